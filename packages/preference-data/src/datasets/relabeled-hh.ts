import { embedPairs } from '../featurize/embed-pairs.js';
import type { Featurizer } from '../featurize/featurizer.js';
import { HashedNgramFeaturizer } from '../featurize/hashed-ngram-featurizer.js';
import { readPreferencePairs } from '../readers/read-preference-file.js';
import { splitByPair } from '../splits/split-by-pair.js';
import type { SplitFractions } from '../splits/split-fractions.js';
import type { EmbeddedPairSet } from '../types/embedded-pair-set.js';
import { builtinDatasetPath } from './builtin-datasets.js';

export interface LoadRelabeledHhOptions {
  /** Default: the built-in hashed n-gram featurizer (2,048 dims). */
  featurizer?: Featurizer;
  /** Seed of the split by pair (default 0). */
  seed?: number;
  splitFractions?: SplitFractions;
}

/**
 * The built-in relabeled HH-RLHF data as an EmbeddedPairSet: 3,024 pairs, users `helpful`
 * (1,602 labels) and `harmless` (1,422), split 80/10/10 by pair with a seeded shuffle.
 */
export async function loadRelabeledHh(options: LoadRelabeledHhOptions = {}): Promise<EmbeddedPairSet> {
  const pairs = [
    ...(await readPreferencePairs(builtinDatasetPath('relabeled-hh/helpful'))),
    ...(await readPreferencePairs(builtinDatasetPath('relabeled-hh/harmless'))),
  ];
  const set = await embedPairs(pairs, options.featurizer ?? new HashedNgramFeaturizer());
  return { ...splitByPair(set, options.splitFractions ?? [0.8, 0.1, 0.1], options.seed ?? 0), embedding: { ...set.embedding!, source: 'relabeled-hh' } };
}
