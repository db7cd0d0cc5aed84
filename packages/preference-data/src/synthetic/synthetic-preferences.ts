import { Rng, SteerableError } from '@steerable/core';
import type { EmbeddedPairSet, PreferenceLabel } from '../types/embedded-pair-set.js';
import { assignSplits, type SplitFractions } from '../splits/split-fractions.js';

/** A reward over a d-dimensional option, given the user's latent vector z. */
export type LatentReward = (option: Float32Array, z: Float32Array) => number;

export interface SyntheticPreferencesOptions {
  numPairs: number;
  /** Option dimension d (default 2). */
  dim?: number;
  /**
   * The users: either n discrete types with their reward functions (each type labels every pair,
   * as in the paper), or a continuous latent: `numUsers` users with z ~ N(0, I_latentDim), each
   * labelling `labelsPerUser` random pairs.
   */
  users: { types: Record<string, (option: Float32Array) => number> } | { latentDim: number; numUsers: number; labelsPerUser: number; reward?: LatentReward };
  /**
   * Label noise: 'none' (the higher reward wins), { kind: 'btl', temperature } (p(a) =
   * sigmoid((r_a - r_b) / temperature)) or { kind: 'flip', rate } (flip a deterministic choice).
   */
  noise?: { kind: 'none' } | { kind: 'btl'; temperature: number } | { kind: 'flip'; rate: number };
  /** Options uniform in [low, high]^d (default [0, 1]) or standard normal. */
  optionDistribution?: { kind: 'uniform'; low?: number; high?: number } | { kind: 'normal' };
  seed?: number;
  splitFractions?: SplitFractions;
  /** Split pairs (default) or whole users (latent users only). */
  splitBy?: 'pair' | 'user';
}

/** Default latent reward: a linear reward w(z)·y with w = z (users pull in different directions). */
export const linearLatentReward: LatentReward = (option, z) => {
  let sum = 0;
  for (let i = 0; i < option.length; i++) sum += option[i]! * (z[i % z.length] ?? 0);
  return sum;
};

/**
 * A general synthetic family for tests and benchmarks: d-dimensional options, discrete user
 * types or a continuous latent, configurable rewards and label noise. With one latent user per
 * task, a model must infer z from the context to beat chance.
 */
export function generateSyntheticPreferences(options: SyntheticPreferencesOptions): EmbeddedPairSet & { latents?: Map<string, Float32Array> } {
  const { numPairs } = options;
  const dim = options.dim ?? 2;
  if (!Number.isInteger(numPairs) || numPairs < 1)
    throw new SteerableError('invalid-argument', `numPairs ${numPairs} must be a positive integer`, { field: 'numPairs' });
  if (!Number.isInteger(dim) || dim < 1) throw new SteerableError('invalid-argument', `dim ${dim} must be a positive integer`, { field: 'dim' });
  const rng = new Rng(options.seed ?? 0);
  const distribution = options.optionDistribution ?? { kind: 'uniform' };
  const values = new Float32Array(numPairs * 2 * dim);
  if (distribution.kind === 'normal') rng.fillNormal(values);
  else rng.fillUniform(values, distribution.low ?? 0, distribution.high ?? 1);
  const option = (pair: number, side: 0 | 1): Float32Array => values.subarray((2 * pair + side) * dim, (2 * pair + side + 1) * dim);
  const noise = options.noise ?? { kind: 'none' };
  const choose = (ra: number, rb: number): 0 | 1 => {
    if (noise.kind === 'btl') return rng.uniform() < 1 / (1 + Math.exp(-(ra - rb) / noise.temperature)) ? 0 : 1;
    const deterministic: 0 | 1 = ra >= rb ? 0 : 1;
    if (noise.kind === 'flip' && rng.uniform() < noise.rate) return (1 - deterministic) as 0 | 1;
    return deterministic;
  };
  const fractions = options.splitFractions ?? [0.8, 0.1, 0.1];
  const labels: PreferenceLabel[] = [];
  if ('types' in options.users) {
    const types = Object.entries(options.users.types);
    if (types.length === 0)
      throw new SteerableError('invalid-argument', 'no user types given', { field: 'users.types', hint: 'pass at least one { name: reward } entry' });
    const splits = assignSplits(numPairs, fractions, (order) => rng.shuffle(order));
    for (let pair = 0; pair < numPairs; pair++) {
      for (const [user, reward] of types)
        labels.push({ pair, user, preferred: choose(reward(option(pair, 0)), reward(option(pair, 1))), split: splits[pair]! });
    }
    return { dim, numPairs, options: values, labels, embedding: { kind: 'synthetic', seed: options.seed ?? 0 } };
  }
  const { latentDim, numUsers, labelsPerUser } = options.users;
  const reward = options.users.reward ?? linearLatentReward;
  if (labelsPerUser > numPairs)
    throw new SteerableError('invalid-argument', `labelsPerUser ${labelsPerUser} exceeds numPairs ${numPairs}`, { field: 'users.labelsPerUser' });
  const latents = new Map<string, Float32Array>();
  const splitBy = options.splitBy ?? 'pair';
  const pairSplits = assignSplits(numPairs, fractions, (order) => rng.shuffle(order));
  const userSplits = assignSplits(numUsers, fractions, (order) => rng.shuffle(order));
  for (let u = 0; u < numUsers; u++) {
    const user = `user-${u}`;
    const z = rng.fillNormal(new Float32Array(latentDim));
    latents.set(user, z);
    for (const pair of rng.sampleIndices(numPairs, labelsPerUser)) {
      labels.push({
        pair,
        user,
        preferred: choose(reward(option(pair, 0), z), reward(option(pair, 1), z)),
        split: splitBy === 'user' ? userSplits[u]! : pairSplits[pair]!,
      });
    }
  }
  return { dim, numPairs, options: values, labels, latents, embedding: { kind: 'synthetic-latent', seed: options.seed ?? 0, latentDim } };
}
