import { SteerableError } from '@steerable/core';
import type { SplitName } from '../types/preference-pair.js';

/** Fractions for [train, validation, test]. */
export type SplitFractions = readonly [number, number, number];

export const SPLIT_NAMES: readonly SplitName[] = ['train', 'validation', 'test'];

export function validateSplitFractions(fractions: SplitFractions, field = 'splitFractions'): void {
  const sum = fractions[0] + fractions[1] + fractions[2];
  if (fractions.some((f) => !Number.isFinite(f) || f < 0) || Math.abs(sum - 1) > 1e-6) {
    throw new SteerableError('invalid-argument', `split fractions ${JSON.stringify(fractions)} must be three non-negative numbers summing to 1`, {
      field,
      hint: 'pass e.g. [0.8, 0.1, 0.1] for train / validation / test',
    });
  }
}

/**
 * Assigns `count` items to splits: a seeded shuffle, then the first round(f0 * n) items go to
 * train, the next round(f1 * n) to validation, the rest to test (so the counts always sum to n).
 * Returns the split of item i at index i.
 */
export function assignSplits(count: number, fractions: SplitFractions, shuffle: (order: number[]) => number[]): SplitName[] {
  validateSplitFractions(fractions);
  const order = shuffle(Array.from({ length: count }, (_, i) => i));
  const numTrain = Math.round(fractions[0] * count);
  const numValidation = Math.min(count - numTrain, Math.round(fractions[1] * count));
  const splits = new Array<SplitName>(count);
  order.forEach((item, position) => {
    splits[item] = position < numTrain ? 'train' : position < numTrain + numValidation ? 'validation' : 'test';
  });
  return splits;
}
