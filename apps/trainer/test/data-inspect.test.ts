import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { bufferIo } from '@steerable/cli-kit';
import { builtinDatasetPath } from '@steerable/preference-data';
import { runTrainer } from '../src/index.js';

// Real files: the relabeled HH data shipped with @steerable/preference-data, and 50 records of
// HH-RLHF's harmless-base test split committed as a fixture there (MIT licence).
const REAL_FILES = [
  { file: builtinDatasetPath('relabeled-hh/helpful'), format: 'relabeled-hh', pairs: 1602, users: { helpful: 1602 } },
  { file: builtinDatasetPath('relabeled-hh/harmless'), format: 'relabeled-hh', pairs: 1422, users: { harmless: 1422 } },
  {
    file: fileURLToPath(new URL('../../../packages/preference-data/test/fixtures/hh-rlhf-harmless-base-50.jsonl.gz', import.meta.url)),
    format: 'hh-rlhf',
    pairs: 50,
    users: { '(none)': 50 },
  },
];

async function inspectJson(file: string, extra: string[] = []): Promise<{ code: number; report: Record<string, any> }> {
  const io = bufferIo();
  const code = await runTrainer(['data', 'inspect', file, '--json', ...extra], io);
  return { code, report: JSON.parse(io.text()) };
}

describe('steerable-train data inspect', () => {
  const workdir = mkdtempSync(join(tmpdir(), 'steerable-data-cli-'));

  for (const expected of REAL_FILES) {
    it(`counts ${expected.file.split('/').slice(-2).join('/')} and round-trips it through TRL JSONL`, async () => {
      const { code, report } = await inspectJson(expected.file);
      expect(code).toBe(0);
      expect(report.format).toBe(expected.format);
      expect(report.pairs).toBe(expected.pairs);
      expect(report.users).toEqual(expected.users);
      expect(report.errors).toEqual([]);

      const out = join(workdir, `${expected.format}-${expected.pairs}.jsonl.gz`);
      const io = bufferIo();
      expect(await runTrainer(['data', 'convert', expected.file, '--to', 'trl-jsonl', '--out', out], io)).toBe(0);
      const again = await inspectJson(out);
      expect(again.code).toBe(0);
      expect(again.report.format).toBe('trl');
      expect(again.report.pairs).toBe(report.pairs);
      expect(again.report.users).toEqual(report.users);
      expect(again.report.splits).toEqual(report.splits);
    });
  }

  it('exits 2 on a file with errors and lists them with file, line, field and fix', async () => {
    const file = join(workdir, 'bad.jsonl');
    writeFileSync(
      file,
      ['{"prompt": "p", "chosen": "a", "rejected": "b"}', '{"prompt": "p", "chosen": 3, "rejected": "b"}', '{"prompt": "p", "chosen": "a"', ''].join('\n'),
    );
    const io = bufferIo();
    expect(await runTrainer(['data', 'inspect', file], io)).toBe(2);
    const text = io.text();
    expect(text).toMatch(/pairs\s+1\n/);
    expect(text).toContain(`${file}:2: field 'chosen': must be string, got number 3`);
    expect(text).toContain(`${file}:3: invalid JSON`);
    expect(text).toMatch(/fix: /);
    const { code, report } = await inspectJson(file, ['--max-errors', '1']);
    expect(code).toBe(2);
    expect(report.errorCount).toBe(2);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ file, line: 2, field: 'chosen' });
  });

  it('refuses to convert a file with errors, naming the line, and writes nothing', async () => {
    const file = join(workdir, 'bad-convert.jsonl');
    writeFileSync(file, '{"prompt": "p", "chosen": "a", "rejected": "b"}\n{"prompt": "p", "rejected": "b"}\n');
    const io = bufferIo();
    const out = join(workdir, 'never.jsonl');
    expect(await runTrainer(['data', 'convert', file, '--to', 'trl-jsonl', '--out', out], io)).toBe(2);
    expect(io.errors()).toContain(`${file}:2: field 'chosen': is missing`);
    expect(io.errors()).not.toMatch(/\n\s+at /);
    const { existsSync } = await import('node:fs');
    expect(existsSync(out)).toBe(false);
  });

  it('rejects an unknown --format', async () => {
    const io = bufferIo();
    expect(await runTrainer(['data', 'inspect', REAL_FILES[0]!.file, '--format', 'nope'], io)).toBe(2);
    expect(io.errors()).toMatch(/unknown format 'nope'/);
  });
});
