import { SteerableError } from '@steerable/core';
import type { Featurizer } from '../featurize/featurizer.js';

/** Where a config-built use-lite featurizer reads its files (unused in a browser: see below). */
export interface UseLiteSource {
  readFile?: (name: string) => Promise<ArrayBuffer | Uint8Array | string>;
  resolvePackageDirectory?: (packageName: string) => Promise<string>;
}

/**
 * The browser build has no installed package to read USE-lite from, and bundling its reader would
 * pull Node's file system into the page: a run trained with use-lite is scored in a browser with a
 * featurizer the page builds itself and passes in.
 */
export async function useLiteFromConfig(_settings: { maxTokens: number; batchSize: number }, _source: UseLiteSource = {}): Promise<Featurizer> {
  throw new SteerableError('unsupported', 'the browser build cannot build the use-lite featurizer from a run config (it reads the installed model package)', {
    field: 'featurizer',
    hint: 'build a featurizer with the same description in the page and pass it: fetchRewardRun(url, { featurizer })',
  });
}
