import { SteerableError } from '@steerable/core';
import type { PackageDirectoryResolver, UseLiteFileReader } from './use-lite-file-reader.js';
import { USE_LITE_MODEL_PACKAGE } from './use-lite-packages.js';

/**
 * The browser build's stand-in for the Node reader (use-lite-files.ts): a page has no installed
 * package to read, so the encoder's files must come from a reader the page passes.
 */
export async function nodePackageFileReader(_resolveDirectory?: PackageDirectoryResolver): Promise<UseLiteFileReader> {
  throw new SteerableError('featurizer-needs-files', `in a browser the use-lite featurizer cannot read ${USE_LITE_MODEL_PACKAGE} from disk`, {
    field: 'readFile',
    hint:
      `serve the package's dist/ files (model.json, group1-shard1of7 ... group1-shard7of7, vocab.json) with the page and load them with ` +
      "useLiteFeaturizer({ readFile: fetchUseLiteFiles(new URL('vendor/use-lite/', location.href)) }); " +
      'pass that featurizer to fetchRewardRun as `featurizer`',
  });
}
