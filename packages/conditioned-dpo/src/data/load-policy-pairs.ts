import { type PreferencePair, type TextPairSet, groupPairs, readPreferencePairs, selectPairs, splitByPair } from '@steerable/preference-data';
import { generateSteerableText } from '../benchmark/steerable-text/generate-steerable-text.js';
import type { PolicyDataConfig } from './policy-data-config.js';

/**
 * The preference pairs a policy run's data config names, read or generated; for a file, only the
 * pairs `where` keeps, split by prompt when `splitBy` says so.
 */
export async function loadPolicyPairs(config: PolicyDataConfig): Promise<PreferencePair[]> {
  if (config.source === 'steerable-text') {
    const { source: _source, ...options } = config;
    return generateSteerableText(options);
  }
  const read = await readPreferencePairs(config.path, config.format ? { format: config.format } : {});
  return selectPairs(read, config).pairs;
}

/**
 * Pairs over the same prompt and responses merged, one label per judgement. Pairs that already
 * carry splits (a split column, or a split by prompt) keep them; the rest get the config's seeded
 * split by pair.
 */
export function policyTextPairs(pairs: readonly PreferencePair[], config: PolicyDataConfig): TextPairSet {
  const set = groupPairs(pairs);
  if (config.source === 'steerable-text') return set;
  const byPair = config.splitBy === 'pair' || (config.splitBy === undefined && !pairs.some((pair) => pair.split !== undefined));
  return byPair ? splitByPair({ ...set, numPairs: set.pairs.length }, config.splitFractions, config.seed) : set;
}
