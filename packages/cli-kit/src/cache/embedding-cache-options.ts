import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SteerableError } from '@steerable/core';

export interface EmbeddingCacheFlags {
  cacheDir?: string;
  /** false with --no-cache. */
  cache: boolean;
}

/** Where the CLIs keep embeddings unless told otherwise: $STEERABLE_CACHE_DIR, else ~/.cache/steerable/embeddings. */
export function defaultEmbeddingCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.STEERABLE_CACHE_DIR || join(homedir(), '.cache', 'steerable', 'embeddings');
}

/** Adds --cache-dir and --no-cache to a command that embeds text. */
export function addEmbeddingCacheOptions(command: Command): Command {
  return command
    .option('--cache-dir <dir>', `where embeddings of text are kept between runs (default $STEERABLE_CACHE_DIR or ~/.cache/steerable/embeddings)`)
    .option('--no-cache', 'embed the text again and keep nothing (the pretrained encoder is the only featurizer cached)');
}

/** The cache directory the flags ask for, or undefined with --no-cache. */
export function embeddingCacheDir(flags: EmbeddingCacheFlags, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!flags.cache) {
    if (flags.cacheDir !== undefined)
      throw new SteerableError('invalid-argument', '--cache-dir and --no-cache contradict each other', { field: '--no-cache', hint: 'give one of them' });
    return undefined;
  }
  return resolve(flags.cacheDir ?? defaultEmbeddingCacheDir(env));
}
