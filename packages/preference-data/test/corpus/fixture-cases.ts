import { copyFile, cp } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MalformedInputCase } from '@steerable/core/testing';
import type { ReadPreferenceOptions } from '../../src/index.js';

/** The committed corpus (fixtures/malformed, made by its make-fixtures.mjs). */
export const CORPUS = fileURLToPath(new URL('../fixtures/malformed/', import.meta.url));

export interface Expected {
  line?: number;
  field?: string;
  message: RegExp;
  /** Valid pairs still read from the file. */
  pairs?: number;
  options?: Omit<ReadPreferenceOptions, 'strict'>;
}

/** Data files: inspectFile must collect (not throw) an issue with this location and message. */
export const PREFERENCE_CASES: Record<string, Expected> = {
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
export const CLEAN_CASES: Record<string, { pairs: number }> = {
  'ok-bom.jsonl': { pairs: 2 },
  'ok-crlf.jsonl': { pairs: 3 },
};

/** Embedding stores: readEmbeddingStore must throw a SteerableError with this location. */
export const STORE_CASES: Record<string, Expected & { file: string }> = {
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

/**
 * The committed fixtures as cases for strict reading (the first problem is thrown), so the CLIs
 * can run them like the generated ones. Only the files readable without options are included.
 */
export const FIXTURE_CASES: MalformedInputCase[] = [
  ...Object.entries(PREFERENCE_CASES)
    .filter(([, expected]) => expected.options === undefined)
    .map(
      ([name, expected]): MalformedInputCase => ({
        id: `preference-file/fixture-${name}`,
        consumer: 'preference-file',
        file: name,
        // inspectFile reports an unreadable parquet footer on line 1; the strict reader's error names the field.
        ...(name.endsWith('.parquet') ? { field: 'metadata' } : expected.line !== undefined ? { line: expected.line } : {}),
        ...(expected.field !== undefined ? { field: expected.field } : {}),
        message: expected.message,
        write: async (dir) => {
          await copyFile(join(CORPUS, name), join(dir, name));
          return join(dir, name);
        },
      }),
    ),
  ...Object.entries(STORE_CASES).map(
    ([name, expected]): MalformedInputCase => ({
      id: `embedding-store/fixture-${name}`,
      consumer: 'embedding-store',
      file: expected.file,
      ...(expected.line !== undefined ? { line: expected.line } : {}),
      ...(expected.field !== undefined ? { field: expected.field } : {}),
      message: expected.message,
      write: async (dir) => {
        await cp(join(CORPUS, name), dir, { recursive: true });
        return dir;
      },
    }),
  ),
];
