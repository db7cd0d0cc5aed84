import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { groupPairs } from '@steerable/preference-data';
import { initBackend } from '@steerable/gpu-kernels';
import {
  CASUAL_WORDS,
  FORMAL_WORDS,
  Policy,
  PolicyAdapters,
  buildWordLevelTokenizer,
  cachedReferenceLogProbs,
  generateSteerableText,
  promptTemplate,
  sftExamples,
  steerableTextReward,
  tokenizeExample,
  tokenizePolicyData,
} from '../src/index.js';
import { tinyModel, TINY_CONFIG } from './helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('steerable-text benchmark', () => {
  it('rewards are exact and conflicting', () => {
    expect(steerableTextReward('formal', 'cats indeed certainly lol')).toBeCloseTo((2 - 1) / 4, 12);
    expect(steerableTextReward('casual', 'cats indeed certainly lol')).toBeCloseTo(-(2 - 1) / 4, 12);
    // L counts the topic word: one formal word of two words scores 1/2.
    expect(steerableTextReward('formal', 'dogs indeed')).toBe(0.5);
    expect(steerableTextReward('casual', 'dogs lol wow')).toBeCloseTo(2 / 3, 12);
    // A response that never ended, or without a single style word, is malformed for both users.
    expect(steerableTextReward('formal', 'dogs indeed', false)).toBe(-1);
    expect(steerableTextReward('casual', 'dogs')).toBe(-1);
  });

  it('labels pairs by the reward of their user type, with the configured annotator noise, as TRL records', () => {
    const pairs = generateSteerableText({ seed: 5, pairsPerType: { train: 2000, validation: 0, test: 0 }, labelNoise: 0.2 });
    for (const type of ['formal', 'casual'] as const) {
      const own = pairs.filter((p) => p.user === type);
      expect(own).toHaveLength(2000);
      const flipped = own.filter((p) => steerableTextReward(type, p.chosen) < steerableTextReward(type, p.rejected)).length / own.length;
      expect(flipped).toBeGreaterThan(0.17);
      expect(flipped).toBeLessThan(0.23);
      for (const p of own) expect(p.prompt).toMatch(/^tell me about \w+$/);
    }
  });

  it('styleConflict puts the two responses of a pair on opposite sides of the style axis', () => {
    const share = (text: string): number => {
      const words = text.split(' ');
      const formal = words.filter((w) => (FORMAL_WORDS as readonly string[]).includes(w)).length;
      const casual = words.filter((w) => (CASUAL_WORDS as readonly string[]).includes(w)).length;
      return formal / (formal + casual);
    };
    const gap = (conflict: number): number => {
      const pairs = generateSteerableText({ seed: 2, pairsPerType: { train: 500, validation: 0, test: 0 }, labelNoise: 0, styleConflict: conflict });
      const gaps = pairs.map((p) => Math.abs(share(p.chosen) - share(p.rejected)));
      return gaps.reduce((a, b) => a + b, 0) / gaps.length;
    };
    // Independent U[0,1] word probabilities differ by 1/3 on average (plus sampling noise); at 0.7
    // pFormal ~ U[0.7, 1] vs U[0, 0.3] differ by 0.85 - 0.15 = 0.7; at 1 every pair is purely formal vs purely casual.
    expect(gap(0)).toBeLessThan(0.45);
    expect(gap(0.7)).toBeGreaterThan(0.62);
    expect(gap(1)).toBe(1);
    expect(() => generateSteerableText({ styleConflict: 1.5 })).toThrow(/styleConflict/);
  });
});

describe('word-level tokenizer and prompt template', () => {
  const texts = ['Hello, how are you?', 'hello there', 'How are you doing?'];
  const { tokenizer, json } = buildWordLevelTokenizer(texts, { vocabSize: 100, minFrequency: 1, lowercase: true });

  it('counts words and punctuation (lowercased), most frequent first, ties alphabetically; unknown words become <unk>', () => {
    const vocab = (json.model as { vocab: Record<string, number> }).vocab;
    // Special tokens first, then hello/how/are/you (2 each, alphabetical), then ?, then the singletons.
    expect(Object.keys(vocab).slice(0, 10)).toEqual(['<pad>', '<eos>', '<bos>', '<unk>', '<sep>', '?', 'are', 'hello', 'how', 'you']);
    expect(tokenizer.decode(tokenizer.encode('HOW are you?'))).toBe('how are you?');
    expect(tokenizer.encode('how are zebras')[2]).toBe(vocab['<unk>']);
    // vocabSize 3 keeps '?', 'are' and 'hello' (count 2, alphabetical), so 'how' and 'you' become <unk>.
    const small = buildWordLevelTokenizer(texts, { vocabSize: 3, minFrequency: 2, lowercase: true }).tokenizer;
    expect(small.encode('are hello how you').filter((id) => id === small.tokenId('<unk>'))).toHaveLength(2);
    expect(small.tokenId('there')).toBeUndefined();
  });

  it('builds [bos] prompt [sep] / response eos, keeping the end of a long prompt and the start of a long response', () => {
    const template = promptTemplate(tokenizer, { maxPromptLength: 4, maxLength: 8 });
    const ids = (text: string) => tokenizer.encode(text);
    const example = tokenizeExample(tokenizer, template, 'hello how are you doing', 'hello there how are you');
    expect(example.prompt).toEqual([template.bos, ...ids('you doing'), template.sep]);
    expect(example.response).toEqual([...ids('hello there how'), template.eos]);
    expect(example.prompt.length + example.response.length).toBe(8);
    expect(() => promptTemplate(tokenizer, { maxPromptLength: 8, maxLength: 9 })).toThrow(/maxLength/);
  });

  it('SFT examples are the distinct (prompt, response) of a split', () => {
    const pairs = generateSteerableText({ pairsPerType: { train: 20, validation: 5, test: 0 } });
    const text = groupPairs(pairs);
    const steerable = buildWordLevelTokenizer(
      pairs.flatMap((p) => [p.prompt, p.chosen, p.rejected]),
      { vocabSize: 100, minFrequency: 1, lowercase: true },
    ).tokenizer;
    const dataset = tokenizePolicyData(text, steerable, promptTemplate(steerable, { maxPromptLength: 6, maxLength: 15 }));
    const train = sftExamples(dataset, 'train');
    const distinct = new Set(pairs.filter((p) => p.split === 'train').flatMap((p) => [`${p.prompt}|${p.chosen}`, `${p.prompt}|${p.rejected}`]));
    expect(train).toHaveLength(distinct.size);
    // Every steerable-text word is in the vocabulary, so nothing maps to <unk>.
    expect(train.flatMap((e) => [...e.prompt, ...e.response])).not.toContain(steerable.tokenId('<unk>'));
  });
});

describe('reference log-prob cache', () => {
  it('computes once, then hits the cache; a changed model misses', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ref-cache-'));
    try {
      const model = tinyModel(11, TINY_CONFIG);
      const policy = new Policy(model, new PolicyAdapters({ lora: null, filmLatentDim: null }, 2, 16, new Rng(0)));
      const examples = [
        { prompt: [0, 3], response: [4, 1] },
        { prompt: [0, 5, 6], response: [7, 8, 1] },
      ];
      const first = await cachedReferenceLogProbs(policy, examples, 2, dir);
      const second = await cachedReferenceLogProbs(policy, examples, 2, dir);
      expect(first.hit).toBe(false);
      expect(second.hit).toBe(true);
      expect(Array.from(second.values)).toEqual(Array.from(first.values));
      const w = model.ln_f.bias;
      w.assign(tf.add(w, 0.1));
      const third = await cachedReferenceLogProbs(policy, examples, 2, dir);
      expect(third.hit).toBe(false);
      expect(third.values[0]).not.toBe(first.values[0]);
      expect((await readdir(dir)).length).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
