import { type PreferencePair, type TextPairSet, groupPairs, readPreferencePairs, splitByPair } from '@steerable/preference-data';
import { generateSteerableText } from '../benchmark/steerable-text/generate-steerable-text.js';
import type { PolicyDataConfig } from './policy-data-config.js';

/** The preference pairs a policy run's data config names, read or generated. */
export async function loadPolicyPairs(config: PolicyDataConfig): Promise<PreferencePair[]> {
  if (config.source === 'steerable-text') {
    const { source: _source, ...options } = config;
    return generateSteerableText(options);
  }
  return readPreferencePairs(config.path, config.format ? { format: config.format } : {});
}

/**
 * Pairs over the same prompt and responses merged, one label per judgement. A file with a split
 * column keeps its splits; one without gets the config's seeded split by pair.
 */
export function policyTextPairs(pairs: readonly PreferencePair[], config: PolicyDataConfig): TextPairSet {
  const set = groupPairs(pairs);
  if (config.source === 'steerable-text' || pairs.some((pair) => pair.split !== undefined)) return set;
  return splitByPair({ ...set, numPairs: set.pairs.length }, config.splitFractions, config.seed);
}
