import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeCheckpoint, loadCheckpoint, readSafetensors } from '../src/index.js';
import { type MalformedInputCase, runMalformedInput } from '../src/testing/index.js';
import { CHECKPOINT_CASES } from './corpus/checkpoint-cases.js';
import { SAFETENSORS_CASES } from './corpus/safetensors-cases.js';

/** A refusal must not allocate what the input claims: a few MB of slack for the test's own buffers. */
const MAX_ARRAY_BUFFER_GROWTH = 4 * 1024 * 1024;

let root: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'steerable-corpus-core-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const LOADERS = {
  safetensors: (path: string) => readSafetensors(path),
  checkpoint: async (path: string) => disposeCheckpoint(await loadCheckpoint(path)),
};

function suite(name: string, cases: MalformedInputCase[], load: (path: string) => Promise<unknown>): void {
  describe(name, () => {
    it('ids are unique', () => {
      expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    });
    for (const testCase of cases) {
      it(testCase.id, async () => {
        let leaked = 0;
        const outcome = await runMalformedInput(testCase, root, async (path) => {
          const before = tf.memory().numTensors;
          try {
            await load(path);
          } finally {
            leaked = tf.memory().numTensors - before;
          }
        });
        expect(outcome.problems).toEqual([]);
        expect(leaked).toBe(0);
        if (testCase.claimsHugeAllocation) expect(outcome.arrayBuffersGrowth).toBeLessThan(MAX_ARRAY_BUFFER_GROWTH);
      });
    }
  });
}

suite('malformed safetensors files', SAFETENSORS_CASES, LOADERS.safetensors);
suite('malformed checkpoints', CHECKPOINT_CASES, LOADERS.checkpoint);
