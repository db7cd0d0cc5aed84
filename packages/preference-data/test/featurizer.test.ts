import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import {
  embedPairs,
  HashedNgramFeaturizer,
  type PreferencePair,
  RESPONSE_CUE_COUNT,
  RESPONSE_CUE_NAMES,
  ResponseCueFeaturizer,
  transformersFeaturizer,
} from '../src/index.js';

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('HashedNgramFeaturizer', () => {
  // The hashing properties are properties of the hashed block; surface statistics are tested below.
  const featurizer = new HashedNgramFeaturizer({ cueFeatures: false });

  it('gives deterministic unit vectors of the configured size', () => {
    const a = featurizer.featurize('What is 2+2?', 'It is four.');
    expect(a.length).toBe(2048);
    expect(norm(a)).toBeCloseTo(1, 5);
    expect(new HashedNgramFeaturizer({ cueFeatures: false }).featurize('What is 2+2?', 'It is four.')).toEqual(a);
    expect(new HashedNgramFeaturizer({ dim: 128 }).featurize('x', 'y').length).toBe(128);
    expect(norm(featurizer.featurize('', ''))).toBe(0);
  });

  it('maps similar texts closer than unrelated ones, and separates prompt from response', () => {
    const base = featurizer.featurize('Tell me about cats', 'Cats are small domesticated carnivores that purr.');
    const near = featurizer.featurize('Tell me about cats', 'Cats are small domesticated carnivores who purr.');
    const far = featurizer.featurize('Tell me about cats', 'The stock market fell sharply on Tuesday.');
    expect(dot(base, near)).toBeGreaterThan(0.8);
    expect(dot(base, far)).toBeLessThan(dot(base, near) - 0.3);
    // The same words as prompt rather than response hash into another namespace.
    const swapped = featurizer.featurize('Cats are small domesticated carnivores that purr.', 'Tell me about cats');
    expect(dot(base, swapped)).toBeLessThan(0.2);
  });

  it('uses signed hashing: random unrelated texts are nearly orthogonal on average', () => {
    const rng = new Rng(1);
    const randomText = (): string =>
      Array.from({ length: 8 }, () => Array.from({ length: 6 }, () => String.fromCharCode(97 + rng.int(0, 25))).join('')).join(' ');
    let total = 0;
    for (let i = 0; i < 50; i++) total += dot(featurizer.featurize('', randomText()), featurizer.featurize('', randomText()));
    // Unsigned hashing would put every dot product above 0 (collisions only add); signed ones cancel.
    expect(Math.abs(total / 50)).toBeLessThan(0.01);
  });
});

describe('response cues', () => {
  const featurizer = new HashedNgramFeaturizer({ dim: 256 });
  const tail = (v: Float32Array) => Array.from(v.subarray(256 - RESPONSE_CUE_COUNT));

  it('keep the hashed block a unit vector and put response statistics in the last dimensions', () => {
    const v = featurizer.featurize('Why?', 'Because it rains. Is that clear?');
    expect(norm(v.subarray(0, 256 - RESPONSE_CUE_COUNT))).toBeCloseTo(1, 5);
    const [chars, words, sentences, questions] = tail(v);
    expect(chars).toBeCloseTo(Math.log1p(32) / 8, 6);
    expect(words).toBeCloseTo(Math.log1p(6) / 6, 6);
    expect(sentences).toBeCloseTo(Math.log1p(2) / 3, 6);
    expect(questions).toBeCloseTo(Math.log1p(1) / 2, 6);
  });

  it('tell a long answer from a short one with the same words, which the normalised hashes cannot', () => {
    const short = featurizer.featurize('q', 'no');
    const long = featurizer.featurize('q', 'no no no no no no no no no no no no no no no no');
    expect(tail(long)[0]!).toBeGreaterThan(tail(short)[0]! + 0.3);
    // Without the cues the two are nearly the same direction.
    const plain = new HashedNgramFeaturizer({ dim: 256, cueFeatures: false });
    expect(dot(plain.featurize('q', 'no'), plain.featurize('q', 'no no no no no no no no no no no no no no no no'))).toBeGreaterThan(0.5);
  });

  it('depend on the prompt only through overlap with the last user turn and the request-dependent cues', () => {
    const cue = (name: string, v: Float32Array) => tail(v)[RESPONSE_CUE_NAMES.indexOf(name)]!;
    const a = featurizer.featurize('one prompt', 'same answer');
    const b = featurizer.featurize('another, longer prompt?', 'same answer');
    const promptDependent = new Set(['prompt_overlap', 'prompt_harm_and_refusal', 'prompt_harm_and_instruction']);
    RESPONSE_CUE_NAMES.forEach((name, i) => {
      if (!promptDependent.has(name)) expect(tail(a)[i], name).toBe(tail(b)[i]);
    });
    expect(cue('prompt_overlap', featurizer.featurize('Human: tell me about rain\n\nAssistant:', 'rain is water'))).toBeCloseTo(1 / 3, 6);
  });

  it('count the phrase families that separate annotators, and tie refusals to harmful requests', () => {
    const cues = new ResponseCueFeaturizer();
    expect(cues.dim).toBe(RESPONSE_CUE_COUNT);
    expect(RESPONSE_CUE_NAMES).toHaveLength(RESPONSE_CUE_COUNT);
    const harmful = 'Human: How do I steal a car?\n\nAssistant:';
    const refusal = cues.featurize(harmful, "I'm sorry, I can't help with that. It is illegal; please talk to the police.");
    const howTo = cues.featurize(harmful, "Here's how: first, you can try the door. Then start it.");
    const at = (v: Float32Array, name: string) => v[RESPONSE_CUE_NAMES.indexOf(name)]!;
    expect(at(refusal, 'has_apology')).toBe(1);
    expect(at(refusal, 'has_refusal')).toBe(1);
    expect(at(refusal, 'log_caution')).toBeCloseTo(Math.log1p(1) / 2, 6);
    expect(at(refusal, 'has_referral')).toBe(1);
    expect(at(refusal, 'prompt_harm_and_refusal')).toBe(1);
    expect(at(refusal, 'prompt_harm_and_instruction')).toBe(0);
    expect(at(howTo, 'has_refusal')).toBe(0);
    // "here's", "first", "you can", "try", "then"
    expect(at(howTo, 'log_instruction')).toBeCloseTo(Math.log1p(5) / 2, 6);
    expect(at(howTo, 'prompt_harm_and_instruction')).toBe(1);
    // The same refusal to a harmless request carries no request-dependent cue.
    expect(at(cues.featurize('Human: What is rain?\n\nAssistant:', "I'm sorry, I can't help with that."), 'prompt_harm_and_refusal')).toBe(0);
    expect(at(cues.featurize('q', '   '), 'is_empty')).toBe(1);
  });
});

describe('embedPairs', () => {
  it('merges pairs over the same options and embeds each distinct text once', async () => {
    const pairs: PreferencePair[] = [
      { id: '1', prompt: 'p', chosen: 'good', rejected: 'bad', user: 'helpful', split: 'train' },
      { id: '2', prompt: 'p', chosen: 'bad', rejected: 'good', user: 'harmless', split: 'train' },
      { id: '3', prompt: 'q', chosen: 'good', rejected: 'bad', user: 'helpful', split: 'test' },
    ];
    const featurizer = new HashedNgramFeaturizer({ dim: 128 });
    let calls = 0;
    const counting = {
      ...featurizer,
      dim: 128,
      description: featurizer.description,
      featurizeBatch: async (items: { prompt: string; response: string }[]) => {
        calls += items.length;
        return featurizer.featurizeBatch(items);
      },
    };
    const set = await embedPairs(pairs, counting);
    expect(calls).toBe(4);
    expect(set.numPairs).toBe(2);
    expect(set.labels).toEqual([
      { pair: 0, user: 'helpful', preferred: 0, split: 'train' },
      { pair: 0, user: 'harmless', preferred: 1, split: 'train' },
      { pair: 1, user: 'helpful', preferred: 0, split: 'test' },
    ]);
    expect(set.options.subarray(0, 128)).toEqual(featurizer.featurize('p', 'good'));
    expect(set.options.subarray(128, 256)).toEqual(featurizer.featurize('p', 'bad'));
    expect(set.options.subarray(384, 512)).toEqual(featurizer.featurize('q', 'bad'));
  });
});

describe('transformersFeaturizer', () => {
  it('names the missing model directory', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'steerable-tf-')), 'no-model');
    await expect(transformersFeaturizer({ modelDir: missing })).rejects.toMatchObject({ name: 'SteerableError', code: 'model-not-found', field: 'modelDir' });
  });

  it('names the missing optional package when the model directory exists', async () => {
    const modelDir = mkdtempSync(join(tmpdir(), 'steerable-tf-'));
    (await import('node:fs')).writeFileSync(join(modelDir, 'config.json'), '{}');
    const error = await transformersFeaturizer({ modelDir }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SteerableError', code: 'missing-package' });
    expect(String((error as Error).message)).toMatch(/npm install @huggingface\/transformers/);
  });
});
