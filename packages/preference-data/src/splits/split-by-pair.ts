import { Rng } from '@steerable/core';
import type { PreferenceLabel } from '../types/embedded-pair-set.js';
import { assignSplits, type SplitFractions } from './split-fractions.js';

/**
 * Returns a copy of `set` (embedded or text pairs) whose labels are re-split by pair: every label of a pair gets that
 * pair's split, so no pair (and no option embedding) is shared between train and test.
 */
export function splitByPair<T extends { numPairs: number; labels: PreferenceLabel[] }>(set: T, fractions: SplitFractions = [0.8, 0.1, 0.1], seed = 0): T {
  const rng = new Rng(seed);
  const pairSplits = assignSplits(set.numPairs, fractions, (order) => rng.shuffle(order));
  return { ...set, labels: set.labels.map((label) => ({ ...label, split: pairSplits[label.pair]! })) };
}
