import { describe, expect, it } from 'vitest';
import { generateSyntheticPreferences, linearLatentReward } from '../src/index.js';

describe('generateSyntheticPreferences', () => {
  it('discrete types label every pair by their own reward (no noise)', () => {
    const set = generateSyntheticPreferences({ numPairs: 500, dim: 3, seed: 1, users: { types: { first: (y) => y[0]!, sum: (y) => y[0]! + y[1]! + y[2]! } } });
    expect(set.options.length).toBe(500 * 2 * 3);
    expect(set.labels.length).toBe(1000);
    for (const label of set.labels) {
      const a = set.options.subarray(label.pair * 6, label.pair * 6 + 3);
      const b = set.options.subarray(label.pair * 6 + 3, label.pair * 6 + 6);
      const r = label.user === 'first' ? (y: Float32Array) => y[0]! : (y: Float32Array) => y[0]! + y[1]! + y[2]!;
      expect(label.preferred).toBe(r(a) >= r(b) ? 0 : 1);
    }
  });

  it('flip noise flips the configured share of labels', () => {
    const clean = generateSyntheticPreferences({ numPairs: 4000, dim: 1, seed: 3, users: { types: { t: (y) => y[0]! } } });
    const noisy = generateSyntheticPreferences({ numPairs: 4000, dim: 1, seed: 3, users: { types: { t: (y) => y[0]! } }, noise: { kind: 'flip', rate: 0.2 } });
    expect(noisy.options).toEqual(clean.options);
    const flipped = noisy.labels.filter((l, i) => l.preferred !== clean.labels[i]!.preferred).length / 4000;
    // Binomial(4000, 0.2): standard deviation 0.63%.
    expect(Math.abs(flipped - 0.2)).toBeLessThan(0.03);
  });

  it('BTL noise matches sigmoid((r_a - r_b) / temperature) on average', () => {
    const temperature = 0.25;
    const set = generateSyntheticPreferences({ numPairs: 6000, dim: 1, seed: 4, users: { types: { t: (y) => y[0]! } }, noise: { kind: 'btl', temperature } });
    let expectedA = 0;
    let observedA = 0;
    set.labels.forEach((l) => {
      expectedA += 1 / (1 + Math.exp(-(set.options[2 * l.pair]! - set.options[2 * l.pair + 1]!) / temperature));
      if (l.preferred === 0) observedA++;
    });
    expect(Math.abs(observedA - expectedA) / 6000).toBeLessThan(0.02);
  });

  it('continuous latent users: each label follows the user z, splits by user keep users whole', () => {
    const set = generateSyntheticPreferences({ numPairs: 300, dim: 4, seed: 5, users: { latentDim: 4, numUsers: 40, labelsPerUser: 25 }, splitBy: 'user' });
    expect(set.labels.length).toBe(1000);
    expect(set.latents!.size).toBe(40);
    const splitOf = new Map<string, string>();
    for (const label of set.labels) {
      const z = set.latents!.get(label.user)!;
      const a = set.options.subarray(label.pair * 8, label.pair * 8 + 4);
      const b = set.options.subarray(label.pair * 8 + 4, label.pair * 8 + 8);
      expect(label.preferred).toBe(linearLatentReward(a, z) >= linearLatentReward(b, z) ? 0 : 1);
      if (splitOf.has(label.user)) expect(label.split).toBe(splitOf.get(label.user));
      splitOf.set(label.user, label.split);
    }
    expect([...splitOf.values()].filter((s) => s === 'train').length).toBe(32);
    // Every user labels 25 distinct pairs.
    const perUser = new Map<string, Set<number>>();
    for (const l of set.labels) perUser.set(l.user, (perUser.get(l.user) ?? new Set()).add(l.pair));
    for (const pairs of perUser.values()) expect(pairs.size).toBe(25);
  });
});
