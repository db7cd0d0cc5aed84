import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MalformedInputCase, runMalformedInput } from '@steerable/core/testing';
import { readEmbeddingStore, readPreferencePairs } from '../src/index.js';
import { DATA_FILE_CASES } from './corpus/data-file-cases.js';
import { EMBEDDING_STORE_CASES } from './corpus/embedding-store-cases.js';
import { FIXTURE_CASES } from './corpus/fixture-cases.js';

const MAX_ARRAY_BUFFER_GROWTH = 4 * 1024 * 1024;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'steerable-corpus-data-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function suite(name: string, cases: MalformedInputCase[], load: (path: string) => Promise<unknown>): void {
  describe(name, () => {
    it('ids are unique', () => {
      expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    });
    for (const testCase of cases) {
      it(testCase.id, async () => {
        const outcome = await runMalformedInput(testCase, root, load);
        expect(outcome.problems).toEqual([]);
        if (testCase.claimsHugeAllocation) expect(outcome.arrayBuffersGrowth).toBeLessThan(MAX_ARRAY_BUFFER_GROWTH);
      });
    }
  });
}

suite('malformed preference files (strict reading)', DATA_FILE_CASES, (path) => readPreferencePairs(path));
suite('malformed embedding stores', EMBEDDING_STORE_CASES, (path) => readEmbeddingStore(path));
suite('committed malformed fixtures (strict reading)', FIXTURE_CASES, (path) =>
  path.endsWith('.jsonl') || path.endsWith('.csv') || path.endsWith('.gz') || path.endsWith('.parquet') ? readPreferencePairs(path) : readEmbeddingStore(path),
);
