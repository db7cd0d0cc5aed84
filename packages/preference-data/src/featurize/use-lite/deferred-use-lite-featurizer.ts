import { SteerableError } from '@steerable/core';
import type { FeaturizeOptions, Featurizer, FeaturizerInput } from '../featurizer.js';
import { checkUseLiteEncoderOptions } from './use-lite-encoder.js';
import { nodePackageFileReader } from './use-lite-files.js';
import { type UseLiteFeaturizer, type UseLiteFeaturizerOptions, useLiteDescription, useLiteFeaturizer } from './use-lite-featurizer.js';
import { USE_LITE_FEATURE_DIM } from './use-lite-recipe.js';

/**
 * The use-lite featurizer as a run config builds it (createFeaturizer): the options and the
 * installed package are checked at once, so a missing package fails before any work, but the 28 MB
 * graph is loaded only at the first featurizeBatch. A run whose embeddings all come from the cache
 * never loads it.
 */
export async function deferredUseLiteFeaturizer(options: UseLiteFeaturizerOptions = {}): Promise<Featurizer & { readonly loaded: boolean; dispose(): void }> {
  const { maxTokens, batchSize } = checkUseLiteEncoderOptions(options);
  const readFile = options.readFile ?? (await nodePackageFileReader(options.resolvePackageDirectory));
  let loading: Promise<UseLiteFeaturizer> | null = null;
  let disposed = false;
  return {
    dim: USE_LITE_FEATURE_DIM,
    description: useLiteDescription(maxTokens),
    get loaded() {
      return loading !== null;
    },
    async featurizeBatch(items: readonly FeaturizerInput[], featurizeOptions: FeaturizeOptions = {}): Promise<Float32Array> {
      if (disposed) throw new SteerableError('disposed', 'this use-lite featurizer was disposed', { hint: 'build a new one (createFeaturizer)' });
      loading ??= useLiteFeaturizer({ maxTokens, batchSize, readFile });
      return (await loading).featurizeBatch(items, featurizeOptions);
    },
    dispose() {
      disposed = true;
      void loading?.then((featurizer) => featurizer.dispose());
    },
  };
}
