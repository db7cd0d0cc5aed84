import { embedPairs } from '../featurize/embed-pairs.js';
import { loadRelabeledHh } from '../datasets/relabeled-hh.js';
import { readPreferencePairs } from '../readers/read-preference-file.js';
import { splitByPair } from '../splits/split-by-pair.js';
import { generatePaperSynthetic } from '../synthetic/paper-synthetic.js';
import type { EmbeddedPairSet } from '../types/embedded-pair-set.js';
import { readEmbeddingStore } from '../embeddings/embedding-store.js';
import { selectPairs } from '../select/pair-selection-config.js';
import { createFeaturizer, type FeaturizerConfig } from './featurizer-config.js';
import type { Featurizer } from '../featurize/featurizer.js';
import type { PreferenceDataConfig } from './preference-data-config.js';

/** Progress of a data load, for the apps to render (libraries never print). */
export type PreferenceDataEvent = { type: 'read'; path: string } | { type: 'featurize'; featurizer: string; texts?: number };

export interface LoadPreferenceDataOptions {
  onEvent?: (event: PreferenceDataEvent) => void;
}

/**
 * Builds the embedded preference set a run trains and evaluates on, from its data config.
 * Deterministic in the config: the evaluator rebuilds exactly the training run's splits.
 */
export async function loadPreferenceData(config: PreferenceDataConfig, options: LoadPreferenceDataOptions = {}): Promise<EmbeddedPairSet> {
  switch (config.source) {
    case 'paper-synthetic':
      return generatePaperSynthetic({ numPairs: config.numPairs, seed: config.seed, splitFractions: config.splitFractions });
    case 'relabeled-hh': {
      options.onEvent?.({ type: 'featurize', featurizer: config.featurizer.kind });
      return withFeaturizer(config.featurizer, (featurizer) => loadRelabeledHh({ featurizer, seed: config.seed, splitFractions: config.splitFractions }));
    }
    case 'embedding-store': {
      options.onEvent?.({ type: 'read', path: config.path });
      const set = await readEmbeddingStore(config.path);
      const hasSplits = set.labels.some((label) => label.split !== 'train');
      return hasSplits ? set : splitByPair(set, config.splitFractions, config.seed);
    }
    case 'file': {
      options.onEvent?.({ type: 'read', path: config.path });
      const read = await readPreferencePairs(config.path, config.format ? { format: config.format } : {});
      const { pairs, remainingSplit } = selectPairs(read, config);
      options.onEvent?.({ type: 'featurize', featurizer: config.featurizer.kind, texts: pairs.length * 2 });
      const set = await withFeaturizer(config.featurizer, (featurizer) => embedPairs(pairs, featurizer));
      return remainingSplit === 'by-pair' ? splitByPair(set, config.splitFractions, config.seed) : set;
    }
  }
}

/** Runs `use` with the featurizer a config names, then frees it (USE-lite holds 28 MB of weights). */
async function withFeaturizer<T>(config: FeaturizerConfig, use: (featurizer: Featurizer) => Promise<T>): Promise<T> {
  const featurizer = await createFeaturizer(config);
  try {
    return await use(featurizer);
  } finally {
    featurizer.dispose?.();
  }
}
