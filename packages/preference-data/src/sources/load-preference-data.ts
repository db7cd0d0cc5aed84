import { embedPairs } from '../featurize/embed-pairs.js';
import type { Featurizer, FeaturizeProgress } from '../featurize/featurizer.js';
import { builtinDatasetPath } from '../datasets/builtin-datasets.js';
import { loadRelabeledHh } from '../datasets/relabeled-hh.js';
import { embedFilesCached } from '../embeddings/embedding-cache.js';
import { readPreferencePairs } from '../readers/read-preference-file.js';
import { splitByPair } from '../splits/split-by-pair.js';
import { generatePaperSynthetic } from '../synthetic/paper-synthetic.js';
import type { EmbeddedPairSet } from '../types/embedded-pair-set.js';
import type { PreferencePair } from '../types/preference-pair.js';
import { readEmbeddingStore } from '../embeddings/embedding-store.js';
import { selectPairs } from '../select/pair-selection-config.js';
import { type CreateFeaturizerOptions, type FeaturizerConfig, createFeaturizer } from './featurizer-config.js';
import type { PreferenceDataConfig } from './preference-data-config.js';

/**
 * How a load's embeddings were obtained: `computed` (and cached), `cached` (read back, nothing
 * embedded), `recomputed` (a damaged entry was ignored), or `uncached` (computed, no cache used).
 */
export type EmbeddingsStatus = 'computed' | 'cached' | 'recomputed' | 'uncached';

/** Progress of a data load, for the apps to render (libraries never print). */
export type PreferenceDataEvent =
  | { type: 'read'; path: string }
  | { type: 'featurize'; featurizer: string; texts?: number }
  | { type: 'featurize-progress'; featurizer: string; progress: FeaturizeProgress }
  | {
      type: 'embeddings';
      featurizer: string;
      status: EmbeddingsStatus;
      /** Wall time of reading, embedding (or reading back) and caching the texts. */
      seconds: number;
      /** Distinct pairs of the file(s) the embeddings cover. */
      pairs: number;
      /** The cache entry, when the cache was used. */
      directory?: string;
      /** Why no cache was used, when `cacheDir` was given but this featurizer is not cached. */
      note?: string;
    }
  | { type: 'cache-warning'; directory: string; message: string };

export interface LoadPreferenceDataOptions {
  onEvent?: (event: PreferenceDataEvent) => void;
  /**
   * Embed file and relabeled-hh sources through the embedding cache in this directory
   * (embedFilesCached): once per (file contents, featurizer description), read back afterwards.
   * Only the pretrained encoder is cached (see CACHED_FEATURIZERS). Absent: computed every time.
   */
  cacheDir?: string;
  /** Passed to createFeaturizer (where use-lite reads its files). */
  featurizer?: CreateFeaturizerOptions;
}

/**
 * The featurizers worth a cache entry. The built-in ones compute faster than an entry is read and
 * checked (2,048 hashed n-gram floats per text are also 8 KB of disk each); USE-lite takes about
 * a minute for DialSummEval's 11,000 texts on two cores.
 */
export const CACHED_FEATURIZERS: ReadonlySet<string> = new Set<FeaturizerConfig['kind']>(['use-lite']);

/**
 * Builds the embedded preference set a run trains and evaluates on, from its data config.
 * Deterministic in the config: the evaluator rebuilds exactly the training run's splits.
 */
export async function loadPreferenceData(config: PreferenceDataConfig, options: LoadPreferenceDataOptions = {}): Promise<EmbeddedPairSet> {
  switch (config.source) {
    case 'paper-synthetic':
      return generatePaperSynthetic({ numPairs: config.numPairs, seed: config.seed, splitFractions: config.splitFractions });
    case 'relabeled-hh': {
      const files = [builtinDatasetPath('relabeled-hh/helpful'), builtinDatasetPath('relabeled-hh/harmless')];
      if (!wantsCache(config.featurizer, options)) {
        return embedUncached(config.featurizer, options, files.length, async (featurizer) => {
          const set = await loadRelabeledHh({ featurizer, seed: config.seed, splitFractions: config.splitFractions });
          return { set, pairs: set.numPairs };
        });
      }
      const { pairs, featurizer } = await embedThroughCache(files, undefined, config.featurizer, options);
      const set = await embedPairs(pairs, featurizer);
      // As loadRelabeledHh lays it out: helpful then harmless, split by pair with the seed.
      return { ...splitByPair(set, config.splitFractions, config.seed), embedding: { ...set.embedding!, source: 'relabeled-hh' } };
    }
    case 'embedding-store': {
      options.onEvent?.({ type: 'read', path: config.path });
      const set = await readEmbeddingStore(config.path);
      const hasSplits = set.labels.some((label) => label.split !== 'train');
      return hasSplits ? set : splitByPair(set, config.splitFractions, config.seed);
    }
    case 'file': {
      const readOptions = config.format ? { format: config.format } : {};
      let read: PreferencePair[];
      let featurizer: Featurizer | null = null;
      if (wantsCache(config.featurizer, options)) {
        const cached = await embedThroughCache([config.path], readOptions, config.featurizer, options);
        read = cached.pairs;
        featurizer = cached.featurizer;
      } else {
        options.onEvent?.({ type: 'read', path: config.path });
        read = await readPreferencePairs(config.path, readOptions);
      }
      const { pairs, remainingSplit } = selectPairs(read, config);
      let set: EmbeddedPairSet;
      if (featurizer) {
        set = await embedPairs(pairs, featurizer);
      } else {
        set = await embedUncached(config.featurizer, options, pairs.length * 2, async (made) => {
          const embedded = await embedPairs(pairs, made, progressOption(config.featurizer, options));
          return { set: embedded, pairs: embedded.numPairs };
        });
      }
      return remainingSplit === 'by-pair' ? splitByPair(set, config.splitFractions, config.seed) : set;
    }
  }
}

function wantsCache(featurizer: FeaturizerConfig, options: LoadPreferenceDataOptions): boolean {
  return options.cacheDir !== undefined && CACHED_FEATURIZERS.has(featurizer.kind);
}

function progressOption(config: FeaturizerConfig, options: LoadPreferenceDataOptions): { onProgress?: (progress: FeaturizeProgress) => void } {
  const { onEvent } = options;
  return onEvent ? { onProgress: (progress) => onEvent({ type: 'featurize-progress', featurizer: config.kind, progress }) } : {};
}

/** Builds the featurizer, runs `embed` with it, frees it, and reports the time as an 'embeddings' event. */
async function embedUncached(
  config: FeaturizerConfig,
  options: LoadPreferenceDataOptions,
  texts: number,
  embed: (featurizer: Featurizer) => Promise<{ set: EmbeddedPairSet; pairs: number }>,
): Promise<EmbeddedPairSet> {
  const started = performance.now();
  options.onEvent?.({ type: 'featurize', featurizer: config.kind, texts });
  const featurizer = await createFeaturizer(config, options.featurizer);
  try {
    const { set, pairs } = await embed(featurizer);
    const note = options.cacheDir !== undefined ? `the ${config.kind} featurizer is not cached (it computes faster than a cache entry is read)` : undefined;
    options.onEvent?.({
      type: 'embeddings',
      featurizer: config.kind,
      status: 'uncached',
      seconds: (performance.now() - started) / 1000,
      pairs,
      ...(note ? { note } : {}),
    });
    return set;
  } finally {
    featurizer.dispose?.();
  }
}

/**
 * Reads the files and embeds every pair of them through the cache (a hit loads no model), then
 * returns their pairs and a featurizer that serves those texts from the entry.
 */
async function embedThroughCache(
  files: string[],
  readOptions: { format?: NonNullable<Extract<PreferenceDataConfig, { source: 'file' }>['format']> } | undefined,
  config: FeaturizerConfig,
  options: LoadPreferenceDataOptions,
): Promise<{ pairs: PreferencePair[]; featurizer: Featurizer }> {
  const started = performance.now();
  for (const path of files) options.onEvent?.({ type: 'read', path });
  const featurizer = await createFeaturizer(config, options.featurizer);
  try {
    const cached = await embedFilesCached({
      files,
      featurizer,
      cacheDir: options.cacheDir!,
      ...(readOptions ? { readOptions } : {}),
      onEvent: (event) => {
        if (event.type === 'invalid') options.onEvent?.({ type: 'cache-warning', directory: event.directory, message: event.message });
        if (event.type === 'miss' || event.type === 'invalid') options.onEvent?.({ type: 'featurize', featurizer: config.kind });
      },
      ...progressOption(config, options),
    });
    const status = cached.status === 'hit' ? 'cached' : cached.status;
    options.onEvent?.({
      type: 'embeddings',
      featurizer: config.kind,
      status,
      seconds: (performance.now() - started) / 1000,
      pairs: cached.set.numPairs,
      directory: cached.directory,
    });
    // Every text the caller embeds next is one of these files', so the lookup never falls back to the encoder.
    return { pairs: cached.pairs, featurizer: cached.featurizer };
  } finally {
    featurizer.dispose?.();
  }
}
