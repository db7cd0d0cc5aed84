import { Rng } from '@steerable/core';
import type { EmbeddedPairSet, PreferenceLabel } from '../types/embedded-pair-set.js';
import { assignSplits, type SplitFractions } from '../splits/split-fractions.js';

/** User type 0 of the paper's synthetic experiment: more is better, and above 0.5 doubly so. */
export function moreIsBetterReward(y: number): number {
  return y < 0.5 ? y : 2 * y;
}

/** User type 1 of the paper's synthetic experiment: more is better up to 0.5, then less is. */
export function moderationReward(y: number): number {
  return y < 0.5 ? y : 1 - y;
}

export const PAPER_SYNTHETIC_USERS = ['more-is-better', 'moderation'] as const;
export type PaperSyntheticUser = (typeof PAPER_SYNTHETIC_USERS)[number];

export const PAPER_SYNTHETIC_REWARDS: Record<PaperSyntheticUser, (y: number) => number> = {
  'more-is-better': moreIsBetterReward,
  moderation: moderationReward,
};

export interface PaperSyntheticOptions {
  /** Number of option pairs (the paper: 20,000). */
  numPairs?: number;
  seed?: number;
  /** [train, validation, test] fractions of pairs (the paper: 0.8 / 0.1 / 0.1). */
  splitFractions?: SplitFractions;
}

/**
 * The synthetic data of Kobalczyk et al. (2024), docs/method.md: each pair has two scalar
 * options y ~ U[0, 1] (dim 1), and both user types label every pair deterministically (the higher
 * reward wins; an exact tie goes to option a). Splits are by pair, so both labels of a pair share
 * its split. Option values are drawn first (a then b per pair), then the split shuffle.
 */
export function generatePaperSynthetic(options: PaperSyntheticOptions = {}): EmbeddedPairSet {
  const numPairs = options.numPairs ?? 20_000;
  const rng = new Rng(options.seed ?? 0);
  const values = new Float32Array(numPairs * 2);
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform();
  const splits = assignSplits(numPairs, options.splitFractions ?? [0.8, 0.1, 0.1], (order) => rng.shuffle(order));
  const labels: PreferenceLabel[] = [];
  for (let pair = 0; pair < numPairs; pair++) {
    // Rewards are computed on the stored float32 values so labels agree with what models see.
    const a = values[2 * pair]!;
    const b = values[2 * pair + 1]!;
    for (const user of PAPER_SYNTHETIC_USERS) {
      const reward = PAPER_SYNTHETIC_REWARDS[user];
      labels.push({ pair, user, preferred: reward(a) >= reward(b) ? 0 : 1, split: splits[pair]! });
    }
  }
  return { dim: 1, numPairs, options: values, labels, embedding: { kind: 'paper-synthetic', seed: options.seed ?? 0 } };
}
