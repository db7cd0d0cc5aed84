import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import {
  CASUAL_WORDS, FORMAL_WORDS, Policy, PolicyAdapters, STEERABLE_TEXT_TOKENIZER_JSON, TOKEN, cachedReferenceLogProbs, generateSteerableText, oracleReward, tokenizerFromJson,
} from '../src/index.js';
import { tinyModel, TINY_CONFIG } from './helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('steerable-text benchmark language', () => {
  const tokenizer = tokenizerFromJson(STEERABLE_TEXT_TOKENIZER_JSON);
  const ids = (text: string): number[] => tokenizer.encode(text);

  it('oracles are exact and conflicting', () => {
    const y = ids('cats indeed certainly lol <eos>');
    expect(oracleReward('formal', y)).toBeCloseTo((2 - 1) / 4, 12);
    expect(oracleReward('casual', y)).toBeCloseTo(-(2 - 1) / 4, 12);
    // L counts the topic word: one formal word of two words scores 1/2.
    expect(oracleReward('formal', ids('dogs indeed <eos>'))).toBe(0.5);
    expect(oracleReward('casual', ids('dogs lol wow <eos>'))).toBeCloseTo(2 / 3, 12);
    // Without eos, or without a single style word, the response is malformed for both users.
    expect(oracleReward('formal', ids('dogs indeed'))).toBe(-1);
    expect(oracleReward('casual', ids('dogs <eos>'))).toBe(-1);
  });

  it('the word-level tokenizer.json round-trips through @huggingface/tokenizers and rejects unknown words', () => {
    const text = `tell me about cats ${FORMAL_WORDS[0]} ${CASUAL_WORDS[3]} <eos>`;
    expect(tokenizer.decode(ids(text))).toBe(text);
    expect(() => ids('tell me about unicorns')).toThrow(/unicorns/);
  });

  it('labels pairs by the oracle of their user type, with the configured annotator noise', () => {
    const data = generateSteerableText({ seed: 5, sftExamples: 10, pairsPerType: { train: 2000, validation: 0, test: 0 }, labelNoise: 0.2 });
    for (const type of ['formal', 'casual'] as const) {
      const pairs = data.pairs.filter((p) => p.type === type);
      for (const p of pairs) expect(oracleReward(type, p.chosen) > oracleReward(type, p.rejected)).toBe(p.oracleAgrees);
      const flipped = pairs.filter((p) => !p.oracleAgrees).length / pairs.length;
      expect(flipped).toBeGreaterThan(0.17);
      expect(flipped).toBeLessThan(0.23);
    }
  });

  it('styleConflict puts the two responses of a pair on opposite sides of the style axis', () => {
    // A one-word response scores 1 for the type whose style the word is in.
    const share = (y: readonly number[]): number => {
      const formal = y.filter((id) => oracleReward('formal', [id, TOKEN.eos]) === 1).length;
      const casual = y.filter((id) => oracleReward('casual', [id, TOKEN.eos]) === 1).length;
      return formal / (formal + casual);
    };
    const gap = (conflict: number): number => {
      const data = generateSteerableText({ seed: 2, sftExamples: 0, pairsPerType: { train: 500, validation: 0, test: 0 }, labelNoise: 0, styleConflict: conflict });
      const gaps = data.pairs.map((p) => Math.abs(share(p.chosen) - share(p.rejected)));
      return gaps.reduce((a, b) => a + b, 0) / gaps.length;
    };
    // Independent U[0,1] word probabilities differ by 1/3 on average (plus sampling noise); at 0.7
    // pFormal ~ U[0.7, 1] vs U[0, 0.3] differ by 0.85 - 0.15 = 0.7; at 1 every pair is purely formal vs purely casual.
    expect(gap(0)).toBeLessThan(0.45);
    expect(gap(0.7)).toBeGreaterThan(0.62);
    expect(gap(1)).toBe(1);
    expect(() => generateSteerableText({ seed: 0, sftExamples: 0, pairsPerType: { train: 1, validation: 0, test: 0 }, labelNoise: 0, styleConflict: 1.5 })).toThrow(/styleConflict/);
  });
});

describe('reference log-prob cache', () => {
  it('computes once, then hits the cache; a changed model misses', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ref-cache-'));
    try {
      const model = tinyModel(11, TINY_CONFIG);
      const policy = new Policy(model, new PolicyAdapters({ lora: null, filmLatentDim: null }, 2, 16, new Rng(0)));
      const examples = [{ prompt: [0, 3], response: [4, 1] }, { prompt: [0, 5, 6], response: [7, 8, 1] }];
      const first = await cachedReferenceLogProbs(policy, examples, TOKEN.pad, dir);
      const second = await cachedReferenceLogProbs(policy, examples, TOKEN.pad, dir);
      expect(first.hit).toBe(false);
      expect(second.hit).toBe(true);
      expect(Array.from(second.values)).toEqual(Array.from(first.values));
      const w = model.ln_f.bias;
      w.assign(tf.add(w, 0.1));
      const third = await cachedReferenceLogProbs(policy, examples, TOKEN.pad, dir);
      expect(third.hit).toBe(false);
      expect(third.values[0]).not.toBe(first.values[0]);
      expect((await readdir(dir)).length).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
