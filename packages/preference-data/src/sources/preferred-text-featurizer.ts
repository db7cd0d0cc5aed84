import { SteerableError } from '@steerable/core';
import { nodePackageFileReader } from '../featurize/use-lite/use-lite-files.js';
import type { PackageDirectoryResolver } from '../featurize/use-lite/use-lite-file-reader.js';
import { USE_LITE_INSTALL_COMMAND, USE_LITE_MODEL_PACKAGE } from '../featurize/use-lite/use-lite-packages.js';
import { DEFAULT_FEATURIZER_CONFIG, type FeaturizerConfig } from './featurizer-config.js';

export interface PreferredTextFeaturizer {
  config: FeaturizerConfig;
  /** Why this one, for the app to show (which package is or is not installed, and how to install it). */
  reason: string;
}

/**
 * The best text featurizer this install can run: use-lite (the pretrained sentence encoder) when
 * its optional package is installed at the pinned version, else the built-in hashed n-grams. What
 * a generic run on a user's file uses when its config names no featurizer.
 */
export async function preferredTextFeaturizer(options: { resolvePackageDirectory?: PackageDirectoryResolver } = {}): Promise<PreferredTextFeaturizer> {
  try {
    await nodePackageFileReader(options.resolvePackageDirectory);
    return { config: { kind: 'use-lite', maxTokens: 128, batchSize: 32 }, reason: `use-lite: ${USE_LITE_MODEL_PACKAGE} is installed` };
  } catch (error) {
    if (!(error instanceof SteerableError)) throw error;
    return { config: DEFAULT_FEATURIZER_CONFIG, reason: `hashed-ngrams: ${error.message}; for the pretrained encoder: ${USE_LITE_INSTALL_COMMAND}` };
  }
}
