#!/usr/bin/env node
// Read + validate N synthetic TRL-style JSONL lines with the built package (run `pnpm --filter
// @steerable/preference-data build` first). Prints one JSON line:
// {"workload":"read-validate-trl","lines":N,"seconds":s,"lines_per_s":x,"peak_rss_mb":y}
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PreferenceFileReader } from '../dist/index.js';

const { values } = parseArgs({
  options: { lines: { type: 'string', default: '1000000' }, gzip: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false } },
});
const lines = Number(values.lines);
const directory = await mkdtemp(join(tmpdir(), 'steerable-bench-'));
const file = join(directory, `trl.jsonl${values.gzip ? '.gz' : ''}`);

// Write: varied lengths, a user id and a split column, as real TRL exports have.
const words = ['the', 'model', 'should', 'answer', 'politely', 'and', 'briefly', 'with', 'facts', 'about', 'history', 'science'];
const sentence = (i, n) => Array.from({ length: n }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' ');
const out = createWriteStream(file);
let sink = out;
if (values.gzip) {
  const { createGzip } = await import('node:zlib');
  sink = createGzip();
  sink.pipe(out);
}
for (let i = 0; i < lines; i++) {
  const record = {
    prompt: `Question ${i}: ${sentence(i, 12)}?`,
    chosen: sentence(i + 1, 30 + (i % 20)),
    rejected: sentence(i + 2, 25 + (i % 15)),
    user_id: `user-${i % 1000}`,
    split: i % 10 === 0 ? 'test' : 'train',
  };
  if (!sink.write(`${JSON.stringify(record)}\n`)) await once(sink, 'drain');
}
sink.end();
await once(out, 'close');
const bytes = (await stat(file)).size;

const started = process.hrtime.bigint();
const reader = new PreferenceFileReader(file, { format: 'trl' });
let pairs = 0;
for await (const _pair of reader.pairs()) pairs++;
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
if (pairs !== lines || reader.issues.count !== 0) throw new Error(`expected ${lines} valid pairs, got ${pairs} and ${reader.issues.count} issues`);
if (!values.keep) await rm(directory, { recursive: true, force: true });
console.log(
  JSON.stringify({
    workload: 'read-validate-trl',
    lines,
    gzip: values.gzip,
    file_mb: +(bytes / 2 ** 20).toFixed(1),
    seconds: +seconds.toFixed(3),
    lines_per_s: Math.round(lines / seconds),
    peak_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
  }),
);
