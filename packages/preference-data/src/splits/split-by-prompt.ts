import { Rng } from '@steerable/core';
import type { PreferencePair } from '../types/preference-pair.js';
import { assignSplits, type SplitFractions } from './split-fractions.js';

/**
 * Returns copies of `pairs` split by group: the distinct keys are shuffled with `seed` and
 * assigned to train / validation / test by `fractions` (of the keys, not of the pairs), and every
 * pair takes its key's split. Keys are sorted before the shuffle, so the split depends on the set
 * of keys and the seed, not on the order of the file.
 */
export function splitByGroup(pairs: readonly PreferencePair[], key: (pair: PreferencePair) => string, fractions: SplitFractions, seed = 0): PreferencePair[] {
  const keys = [...new Set(pairs.map(key))].sort();
  const rng = new Rng(seed);
  const splits = assignSplits(keys.length, fractions, (order) => rng.shuffle(order));
  const splitOf = new Map(keys.map((k, i) => [k, splits[i]!]));
  return pairs.map((pair) => ({ ...pair, split: splitOf.get(key(pair))! }));
}

/**
 * Split by prompt: every pair of one prompt lands in one split. The split for data where the same
 * responses are judged under several criteria or by several users (DialSummEval: one dialogue,
 * 14 summaries, 4 criteria): splitting by pair would put a pair's other judgements, and its
 * responses' embeddings, on both sides.
 */
export function splitByPrompt(pairs: readonly PreferencePair[], fractions: SplitFractions = [0.8, 0.1, 0.1], seed = 0): PreferencePair[] {
  return splitByGroup(pairs, (pair) => pair.prompt, fractions, seed);
}
