import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { runMalformedInput } from '@steerable/core/testing';
import { Gpt2LMHeadModel, gpt2WeightShapes, loadGpt2Pretrained, loadTokenizer } from '../src/index.js';
import { MODEL_FILE_CASES, TINY_GPT2 } from './corpus/model-file-cases.js';

const MAX_ARRAY_BUFFER_GROWTH = 4 * 1024 * 1024;
let root: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'steerable-corpus-model-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const LOADERS = {
  'gpt2-model': async (dir: string) => (await loadGpt2Pretrained(dir)).dispose(),
  tokenizer: (dir: string) => loadTokenizer(dir),
} as const;

describe('malformed model files', () => {
  it('ids are unique', () => {
    expect(new Set(MODEL_FILE_CASES.map((c) => c.id)).size).toBe(MODEL_FILE_CASES.length);
  });

  it('the weight shapes checked before allocation are the model’s own', () => {
    for (const config of [TINY_GPT2, { ...TINY_GPT2, n_layer: 2, n_inner: 20 }]) {
      const model = new Gpt2LMHeadModel(config, new Rng(0));
      const own = new Map(model.namedParameters().map(([name, v]) => [name, v.shape]));
      model.dispose();
      expect(gpt2WeightShapes(config)).toEqual(own);
    }
  });

  for (const testCase of MODEL_FILE_CASES) {
    it(testCase.id, async () => {
      let leaked = 0;
      const outcome = await runMalformedInput(testCase, root, async (path) => {
        const before = tf.memory().numTensors;
        try {
          await LOADERS[testCase.consumer as keyof typeof LOADERS](path);
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
