import { Rng } from '@steerable/core';
import type { EmbeddedPairSet } from '../types/embedded-pair-set.js';
import { assignSplits, type SplitFractions } from './split-fractions.js';

/**
 * Returns a copy of `set` where whole users are assigned to splits (seeded), so test users are
 * never seen in training. Only meaningful with many users (user ids, not a handful of types).
 */
export function splitUsers(set: EmbeddedPairSet, fractions: SplitFractions = [0.8, 0.1, 0.1], seed = 0): EmbeddedPairSet {
  const users = [...new Set(set.labels.map((label) => label.user))].sort();
  const rng = new Rng(seed);
  const userSplits = assignSplits(users.length, fractions, (order) => rng.shuffle(order));
  const splitOf = new Map(users.map((user, i) => [user, userSplits[i]!]));
  return { ...set, labels: set.labels.map((label) => ({ ...label, split: splitOf.get(label.user)! })) };
}
