import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { embedPairs, HashedNgramFeaturizer, type PreferencePair, transformersFeaturizer } from '../src/index.js';

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('HashedNgramFeaturizer', () => {
  const featurizer = new HashedNgramFeaturizer();

  it('gives deterministic unit vectors of the configured size', () => {
    const a = featurizer.featurize('What is 2+2?', 'It is four.');
    expect(a.length).toBe(2048);
    expect(norm(a)).toBeCloseTo(1, 5);
    expect(new HashedNgramFeaturizer().featurize('What is 2+2?', 'It is four.')).toEqual(a);
    expect(new HashedNgramFeaturizer({ dim: 64 }).featurize('x', 'y').length).toBe(64);
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
    const randomText = (): string => Array.from({ length: 8 }, () => Array.from({ length: 6 }, () => String.fromCharCode(97 + rng.int(0, 25))).join('')).join(' ');
    let total = 0;
    for (let i = 0; i < 50; i++) total += dot(featurizer.featurize('', randomText()), featurizer.featurize('', randomText()));
    // Unsigned hashing would put every dot product above 0 (collisions only add); signed ones cancel.
    expect(Math.abs(total / 50)).toBeLessThan(0.01);
  });
});

describe('embedPairs', () => {
  it('merges pairs over the same options and embeds each distinct text once', async () => {
    const pairs: PreferencePair[] = [
      { id: '1', prompt: 'p', chosen: 'good', rejected: 'bad', user: 'helpful', split: 'train' },
      { id: '2', prompt: 'p', chosen: 'bad', rejected: 'good', user: 'harmless', split: 'train' },
      { id: '3', prompt: 'q', chosen: 'good', rejected: 'bad', user: 'helpful', split: 'test' },
    ];
    const featurizer = new HashedNgramFeaturizer({ dim: 32 });
    let calls = 0;
    const counting = { ...featurizer, dim: 32, description: featurizer.description, featurizeBatch: async (items: { prompt: string; response: string }[]) => ((calls += items.length), featurizer.featurizeBatch(items)) };
    const set = await embedPairs(pairs, counting);
    expect(calls).toBe(4);
    expect(set.numPairs).toBe(2);
    expect(set.labels).toEqual([
      { pair: 0, user: 'helpful', preferred: 0, split: 'train' },
      { pair: 0, user: 'harmless', preferred: 1, split: 'train' },
      { pair: 1, user: 'helpful', preferred: 0, split: 'test' },
    ]);
    expect(set.options.subarray(0, 32)).toEqual(featurizer.featurize('p', 'good'));
    expect(set.options.subarray(32, 64)).toEqual(featurizer.featurize('p', 'bad'));
    expect(set.options.subarray(96, 128)).toEqual(featurizer.featurize('q', 'bad'));
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
