import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SteerableError } from '@steerable/core';

export const BUILTIN_DATASETS = {
  'relabeled-hh/helpful': 'relabeled-hh/helpful.jsonl.gz',
  'relabeled-hh/harmless': 'relabeled-hh/harmless.jsonl.gz',
} as const;

export type BuiltinDatasetName = keyof typeof BUILTIN_DATASETS;

/**
 * The path of a dataset shipped in the package's `datasets/` folder. Found by walking up from
 * this module, so it works from src (tests), from the bundled dist, and when installed.
 */
export function builtinDatasetPath(name: BuiltinDatasetName): string {
  const relative = BUILTIN_DATASETS[name];
  if (!relative) {
    throw new SteerableError('invalid-argument', `unknown built-in dataset '${name}'`, {
      field: 'name',
      hint: `use one of ${Object.keys(BUILTIN_DATASETS).join(', ')}`,
    });
  }
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    const candidate = join(directory, 'datasets', relative);
    if (existsSync(candidate)) return candidate;
    directory = dirname(directory);
  }
  throw new SteerableError('file-not-found', `built-in dataset '${name}' is missing from the installed package`, {
    field: 'name',
    hint: "reinstall @steerable/preference-data (its 'datasets' folder ships with it)",
  });
}
