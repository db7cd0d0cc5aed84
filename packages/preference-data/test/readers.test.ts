import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { builtinDatasetPath, inspectFile, readPreferenceFile, readPreferencePairs, splitTranscripts } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'steerable-readers-'));
function write(name: string, content: string | Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}
const jsonl = (records: unknown[]): string => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

describe('TRL reader', () => {
  it('reads plain records, keeps extra columns and maps user_id and split', async () => {
    const file = write(
      'plain.jsonl',
      jsonl([
        { prompt: 'Hi?', chosen: 'Hello!', rejected: 'Go away.', user_id: 42, margin: 0.5, split: 'valid' },
        { prompt: 'Sum 2+2', chosen: '4', rejected: '5', user_id: 'alice' },
      ]),
    );
    const result = await readPreferenceFile(file);
    expect(result.format).toBe('trl');
    expect(result.errors).toEqual([]);
    expect(result.pairs).toEqual([
      { id: `${file}:1`, prompt: 'Hi?', chosen: 'Hello!', rejected: 'Go away.', user: '42', split: 'validation', extra: { user_id: 42, margin: 0.5 } },
      { id: `${file}:2`, prompt: 'Sum 2+2', chosen: '4', rejected: '5', user: 'alice', extra: { user_id: 'alice' } },
    ]);
  });

  it('reads conversational records, with an explicit or implicit prompt', async () => {
    const user = { role: 'user', content: 'Capital of France?' };
    const file = write(
      'conv.jsonl',
      jsonl([
        { prompt: [user], chosen: [{ role: 'assistant', content: 'Paris.' }], rejected: [{ role: 'assistant', content: 'Lyon.' }] },
        { chosen: [user, { role: 'assistant', content: 'Paris.' }], rejected: [user, { role: 'assistant', content: 'Rome.' }] },
      ]),
    );
    const pairs = await readPreferencePairs(file);
    expect(pairs.map((p) => [p.prompt, p.chosen, p.rejected])).toEqual([
      ['user: Capital of France?', 'assistant: Paris.', 'assistant: Lyon.'],
      ['user: Capital of France?', 'assistant: Paris.', 'assistant: Rome.'],
    ]);
  });

  it('reads gzip (detected by magic bytes, not name) exactly like plain text', async () => {
    const text = jsonl([
      { prompt: 'a', chosen: 'b', rejected: 'c' },
      { prompt: 'd', chosen: 'e', rejected: 'f' },
    ]);
    const plain = await readPreferencePairs(write('same.jsonl', text));
    const zipped = await readPreferencePairs(write('same-but-gzipped.jsonl', gzipSync(text)));
    expect(zipped.map(({ id: _, ...rest }) => rest)).toEqual(plain.map(({ id: _, ...rest }) => rest));
  });

  it('keeps line numbers right across chunk boundaries in a 3 MB file', async () => {
    const long = 'x'.repeat(3000);
    const records = Array.from({ length: 1000 }, (_, i) => ({ prompt: `p${i}`, chosen: long, rejected: `r${i}` }));
    records[737] = { prompt: 'p', chosen: 5 } as never;
    const result = await readPreferenceFile(write('big.jsonl', jsonl(records)));
    expect(result.pairs.length).toBe(999);
    expect(result.errors.map((e) => [e.line, e.field])).toEqual([
      [738, 'chosen'],
      [738, 'rejected'],
    ]);
    expect(result.pairs[800]!.prompt).toBe('p801');
  });
});

describe('HH-RLHF reader', () => {
  it('splits transcripts at the last shared Assistant turn', () => {
    const prompt = '\n\nHuman: hi\n\nAssistant: hello\n\nHuman: joke?\n\nAssistant:';
    expect(splitTranscripts(`${prompt} A pun.`, `${prompt} No.`)).toEqual({ prompt, chosen: 'A pun.', rejected: 'No.' });
    // Responses that start alike must not move the cut past the Assistant tag.
    expect(splitTranscripts(`${prompt} Sure, a pun.`, `${prompt} Sure, no.`)).toEqual({ prompt, chosen: 'Sure, a pun.', rejected: 'Sure, no.' });
    expect(splitTranscripts('Human: a', 'Human: b')).toBeUndefined();
  });

  it('reads real harmless-base test records (the first 50, a committed fixture) whose parts rebuild the transcripts', async () => {
    const result = await readPreferenceFile(fileURLToPath(new URL('fixtures/hh-rlhf-harmless-base-50.jsonl.gz', import.meta.url)));
    expect(result.format).toBe('hh-rlhf');
    expect(result.pairs.length).toBe(50);
    expect(result.errorCount).toBe(0);
    for (const pair of result.pairs) {
      expect(pair.prompt.endsWith('\n\nAssistant:')).toBe(true);
      expect(pair.prompt.startsWith('\n\nHuman:')).toBe(true);
    }
  });
});

describe('relabeled HH reader', () => {
  it('maps label to chosen and objective to user on the real file shipped with the package', async () => {
    const pairs = await readPreferencePairs(builtinDatasetPath('relabeled-hh/helpful'));
    expect(pairs.length).toBe(1602);
    expect(new Set(pairs.map((p) => p.user))).toEqual(new Set(['helpful']));
    // First record, read independently: label 0, so chosen = responses[0].
    expect(pairs[0]!.chosen.startsWith('OK, let’s see.')).toBe(true);
    expect(pairs[0]!.rejected.startsWith('I’d recommend you pick a person')).toBe(true);
    expect(pairs[0]!.extra).toMatchObject({ data_subset: 'harmless', original_label: 1, Index: 2 });
  });
});

describe('CSV and parquet containers', () => {
  const rows = [
    { prompt: 'Q1, with a comma', chosen: 'A "quoted" answer', rejected: 'meh', user_id: 'u1' },
    { prompt: 'Q2', chosen: 'yes', rejected: 'no', user_id: 'u2' },
  ];

  it('reads CSV with quoting, reporting rows by file line', async () => {
    const csv = 'prompt,chosen,rejected,user_id\n"Q1, with a comma","A ""quoted"" answer",meh,u1\nQ2,yes,no,u2\n';
    const pairs = await readPreferencePairs(write('pairs.csv', csv));
    expect(pairs.map((p) => ({ prompt: p.prompt, chosen: p.chosen, rejected: p.rejected, user_id: p.user }))).toEqual(rows);
  });

  it('reads parquet written by hyparquet-writer', async () => {
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'prompt', data: rows.map((r) => r.prompt), type: 'STRING' },
        { name: 'chosen', data: rows.map((r) => r.chosen), type: 'STRING' },
        { name: 'rejected', data: rows.map((r) => r.rejected), type: 'STRING' },
        { name: 'user_id', data: rows.map((r) => r.user_id), type: 'STRING' },
        { name: 'score', data: [BigInt(3), BigInt(4)], type: 'INT64' },
      ],
    });
    const file = write('pairs.parquet', new Uint8Array(buffer));
    const result = await readPreferenceFile(file);
    expect(result.container).toBe('parquet');
    expect(result.pairs.map((p) => ({ prompt: p.prompt, chosen: p.chosen, rejected: p.rejected, user_id: p.user }))).toEqual(rows);
    expect(result.pairs[1]!.extra).toEqual({ user_id: 'u2', score: 4 });
    expect(result.pairs[1]!.id).toBe(`${file}:2`);
    const inspection = await inspectFile(file);
    expect(inspection.users).toEqual({ u1: 1, u2: 1 });
  });
});
