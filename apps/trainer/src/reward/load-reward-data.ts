import type { Logger } from '@steerable/core';
import {
  type EmbeddedPairSet,
  generatePaperSynthetic,
  HashedNgramFeaturizer,
  embedPairs,
  type Featurizer,
  loadRelabeledHh,
  readPreferencePairs,
  ResponseCueFeaturizer,
  splitByPair,
} from '@steerable/preference-data';
import type { RewardDataConfig } from './reward-config.js';

/**
 * Builds the embedded preference set a reward run trains and evaluates on. Deterministic in the
 * config, so the evaluator rebuilds exactly the training run's splits from its config.json.
 */
export async function loadRewardData(config: RewardDataConfig, logger: Logger): Promise<EmbeddedPairSet> {
  switch (config.source) {
    case 'paper-synthetic':
      return generatePaperSynthetic({ numPairs: config.numPairs, seed: config.seed, splitFractions: config.splitFractions });
    case 'relabeled-hh': {
      logger.info(`featurizing the built-in relabeled HH-RLHF data (${config.featurizer})`);
      return loadRelabeledHh({ featurizer: builtinFeaturizer(config), seed: config.seed, splitFractions: config.splitFractions });
    }
    case 'file': {
      logger.info(`reading ${config.path}`);
      const pairs = await readPreferencePairs(config.path, config.format ? { format: config.format as never } : {});
      const set = await embedPairs(pairs, builtinFeaturizer(config));
      // A file without a split column gets a seeded split by pair; one with splits keeps them.
      const hasSplits = pairs.some((p) => p.split !== undefined);
      return hasSplits ? set : splitByPair(set, config.splitFractions, config.seed);
    }
  }
}

function builtinFeaturizer(config: { featurizer: 'hashed-ngrams' | 'response-cues'; featureDim?: number | undefined }): Featurizer {
  if (config.featurizer === 'response-cues') return new ResponseCueFeaturizer();
  return new HashedNgramFeaturizer(config.featureDim ? { dim: config.featureDim } : {});
}

/** The same set keeping only some users' labels (per-type oracle baselines train this way). */
export function restrictToUsers(set: EmbeddedPairSet, users: readonly string[] | undefined): EmbeddedPairSet {
  if (!users || users.length === 0) return set;
  const keep = new Set(users);
  return { ...set, labels: set.labels.filter((label) => keep.has(label.user)) };
}
