import type { Featurizer } from '../featurize/featurizer.js';
import { deferredUseLiteFeaturizer } from '../featurize/use-lite/deferred-use-lite-featurizer.js';
import type { PackageDirectoryResolver, UseLiteFileReader } from '../featurize/use-lite/use-lite-file-reader.js';

/** Where a config-built use-lite featurizer reads its files: the installed package by default. */
export interface UseLiteSource {
  readFile?: UseLiteFileReader;
  resolvePackageDirectory?: PackageDirectoryResolver;
}

/** The use-lite featurizer of a run config (Node: files from the installed package; see the .browser twin). */
export async function useLiteFromConfig(settings: { maxTokens: number; batchSize: number }, source: UseLiteSource = {}): Promise<Featurizer> {
  return deferredUseLiteFeaturizer({ ...settings, ...source });
}
