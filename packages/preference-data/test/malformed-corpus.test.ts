import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SteerableError } from '@steerable/core';
import { type DataIssue, inspectFile, readEmbeddingStore, type ReadPreferenceOptions } from '../src/index.js';

const CORPUS = fileURLToPath(new URL('./fixtures/malformed/', import.meta.url));

interface Expected {
  line?: number;
  field?: string;
  message: RegExp;
  /** Valid pairs still read from the file. */
  pairs?: number;
  options?: Omit<ReadPreferenceOptions, 'strict'>;
}

/** Data files: inspectFile must collect (not throw) an issue with this location and message. */
const PREFERENCE_CASES: Record<string, Expected> = {
  'invalid-json.jsonl': { line: 2, message: /invalid JSON/, pairs: 2 },
  'trailing-comma.jsonl': { line: 2, message: /invalid JSON/, pairs: 1 },
  'single-quotes.jsonl': { line: 1, message: /invalid JSON/, pairs: 0 },
  'nan-literal.jsonl': { line: 2, message: /NaN or Infinity/, pairs: 1 },
  'json-array-file.jsonl': { line: 1, message: /array, not a JSON object/ },
  'scalar-line.jsonl': { line: 2, message: /string, not a JSON object/, pairs: 1 },
  'empty.jsonl': { line: 1, message: /empty/ },
  'only-blank-lines.jsonl': { line: 1, message: /empty/ },
  'wrong-type-chosen.jsonl': { line: 2, field: 'chosen', message: /must be string, got number 42/, pairs: 1 },
  'wrong-type-prompt.jsonl': { line: 2, field: 'prompt', message: /must be string, got number 7/, pairs: 1 },
  'missing-rejected.jsonl': { line: 3, field: 'rejected', message: /is missing/, pairs: 2 },
  'missing-prompt-trl.jsonl': { line: 1, field: 'prompt', message: /is missing/, options: { format: 'trl' } },
  'null-chosen.jsonl': { line: 1, field: 'chosen', message: /must be string, got null/ },
  'unknown-format.jsonl': { line: 1, message: /matches no known format/ },
  'bad-split.jsonl': { line: 1, field: 'split', message: /unknown split "holdout"/ },
  'bad-user-id.jsonl': { line: 2, field: 'user_id', message: /non-empty string or a number/, pairs: 1 },
  'empty-user-id.jsonl': { line: 1, field: 'user_id', message: /non-empty string or a number/ },
  'duplicate-ids.jsonl': { line: 3, field: 'id', message: /duplicate id 'a1'/, pairs: 2 },
  'conversation-empty-role.jsonl': { line: 1, field: 'chosen.0.role', message: /empty string/ },
  'conversation-missing-content.jsonl': { line: 1, field: 'chosen.0.content', message: /is missing/ },
  'conversation-empty-list.jsonl': { line: 1, field: 'chosen', message: /array of 0/ },
  'hh-no-assistant-turn.jsonl': { line: 2, field: 'chosen', message: /share no prefix ending in/, pairs: 1 },
  'relabeled-bad-label.jsonl': { line: 2, field: 'label', message: /must be one of 0, 1, got number 2/, pairs: 1 },
  'relabeled-one-response.jsonl': { line: 1, field: 'responses', message: />=2 items \(got an array of 1\)/ },
  'relabeled-empty-objective.jsonl': { line: 1, field: 'objective', message: /empty string/ },
  'relabeled-empty-prompt.jsonl': { line: 1, field: 'prompt', message: /empty string/ },
  'relabeled-duplicate-index.jsonl': { line: 2, field: 'id', message: /duplicate id 'helpful:1'/, pairs: 1 },
  'ultrafeedback-bad-rating.jsonl': { line: 2, field: 'completions.1.annotations.helpfulness.Rating', message: /must be a number/, pairs: 1 },
  'ultrafeedback-missing-completions.jsonl': { line: 1, field: 'completions', message: /must be array, got the string "none"/ },
  'not-utf8.jsonl': { line: 2, message: /not valid UTF-8/, pairs: 1 },
  'huge-line.jsonl': { line: 2, message: /over the 1024-byte limit/, pairs: 2, options: { maxLineBytes: 1024 } },
  'truncated.jsonl.gz': { message: /cannot read past line \d+/ },
  'csv-ragged.csv': { line: 3, message: /CSV cannot be parsed/, pairs: 1 },
  'csv-unclosed-quote.csv': { message: /CSV cannot be parsed.*quote/i },
  'csv-missing-column.csv': { line: 2, message: /matches no known format/ },
  'parquet-truncated.parquet': { line: 1, message: /not a readable parquet file/ },
};

/** Valid files with harmless quirks. */
const CLEAN_CASES: Record<string, { pairs: number }> = {
  'ok-bom.jsonl': { pairs: 2 },
  'ok-crlf.jsonl': { pairs: 3 },
};

/** Embedding stores: readEmbeddingStore must throw a SteerableError with this location. */
const STORE_CASES: Record<string, Expected & { file: string }> = {
  'store-nan': { file: 'embeddings.npy', field: 'row 1', message: /row 1 holds NaN/ },
  'store-ragged-inline': { file: 'index.jsonl', line: 2, field: 'options.0', message: /ragged: has 3 floats, line 1 has 2/ },
  'store-row-mismatch': { file: 'index.jsonl', line: 3, field: 'idx', message: /idx 2 is out of range/ },
  'store-duplicate-idx': { file: 'index.jsonl', line: 2, field: 'idx', message: /duplicate idx 0 \(first on line 1\)/ },
  'store-float64': { file: 'embeddings.npy', field: 'descr', message: /dtype is <f8, expected float32/ },
  'store-bad-shape': { file: 'embeddings.npy', field: 'shape', message: /expected \(numPairs, 2, dim\)/ },
  'store-truncated-npy': { file: 'embeddings.npy', field: 'shape', message: /file is 140 bytes but shape \(2, 2, 2\) of float32 needs 160/ },
  'store-not-npy': { file: 'embeddings.npy', field: 'header', message: /magic/ },
  'store-bad-choice': { file: 'index.jsonl', line: 1, field: 'choices.helpful', message: /must be one of 0, 1, got number 2/ },
  'store-missing-split': { file: 'index.jsonl', line: 1, field: 'split', message: /is missing/ },
  'store-nan-inline': { file: 'index.jsonl', line: 1, message: /NaN or Infinity/ },
};

function checkIssue(issue: DataIssue | SteerableError, file: string, expected: Expected): void {
  expect(issue.file).toBe(file);
  expect(issue.line !== undefined || issue.field !== undefined).toBe(true);
  if (expected.line !== undefined) expect(issue.line).toBe(expected.line);
  if (expected.field !== undefined) expect(issue.field).toBe(expected.field);
  expect(issue.hint!.length).toBeGreaterThan(10);
}

describe('malformed-input corpus', () => {
  it('has at least 30 malformed inputs, every one listed here', () => {
    const entries = readdirSync(CORPUS).filter((name) => name !== 'make-fixtures.mjs');
    const listed = [...Object.keys(PREFERENCE_CASES), ...Object.keys(CLEAN_CASES), ...Object.keys(STORE_CASES)];
    expect(entries.sort()).toEqual(listed.sort());
    expect(Object.keys(PREFERENCE_CASES).length + Object.keys(STORE_CASES).length).toBeGreaterThanOrEqual(30);
  });

  for (const [name, expected] of Object.entries(PREFERENCE_CASES)) {
    it(`${name}: reports file, line/field, problem and fix`, async () => {
      const file = join(CORPUS, name);
      const report = await inspectFile(file, expected.options ?? {});
      expect(report.errorCount).toBeGreaterThan(0);
      const issue = report.errors.find((e) => expected.message.test(e.message));
      expect(issue, `no issue matching ${expected.message} in ${JSON.stringify(report.errors)}`).toBeDefined();
      checkIssue(issue!, file, expected);
      if (expected.pairs !== undefined) expect(report.pairs).toBe(expected.pairs);
    });
  }

  for (const [name, expected] of Object.entries(CLEAN_CASES)) {
    it(`${name}: reads cleanly`, async () => {
      const report = await inspectFile(join(CORPUS, name));
      expect(report.errors).toEqual([]);
      expect(report.pairs).toBe(expected.pairs);
      expect(report.format).toBe('trl');
    });
  }

  it('ok-bom / ok-crlf: the BOM and CR do not leak into values', async () => {
    const { readPreferencePairs } = await import('../src/index.js');
    const [bom] = await readPreferencePairs(join(CORPUS, 'ok-bom.jsonl'));
    const crlf = await readPreferencePairs(join(CORPUS, 'ok-crlf.jsonl'));
    expect(bom!.prompt).toBe('p1');
    expect(crlf.map((p) => p.rejected)).toEqual(['bad 1', 'bad 2', 'bad 3']);
  });

  for (const [name, expected] of Object.entries(STORE_CASES)) {
    it(`${name}: the store reader throws a located SteerableError`, async () => {
      const error = await readEmbeddingStore(join(CORPUS, name)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SteerableError);
      const steerable = error as SteerableError;
      expect(steerable.message).toMatch(expected.message);
      checkIssue(steerable, join(CORPUS, name, expected.file), expected);
      expect(steerable.message).toMatch(/\n {2}fix: /);
    });
  }

  it('strict reading throws the first problem as a SteerableError, never a library error', async () => {
    const { readPreferencePairs } = await import('../src/index.js');
    for (const name of Object.keys(PREFERENCE_CASES)) {
      const error = await readPreferencePairs(join(CORPUS, name), PREFERENCE_CASES[name]!.options ?? {}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(SteerableError);
      expect((error as SteerableError).file, name).toBe(join(CORPUS, name));
    }
  });
});
