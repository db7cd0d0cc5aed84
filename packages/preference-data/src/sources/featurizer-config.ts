import { z } from 'zod';
import type { Featurizer } from '../featurize/featurizer.js';
import { HashedNgramFeaturizer } from '../featurize/hashed-ngram-featurizer.js';
import { ResponseCueFeaturizer } from '../featurize/response-cue-featurizer.js';

/**
 * The built-in text featurizers, as a run config names them:
 * - `hashed-ngrams`: `dim` signed word/char n-gram buckets plus the dense response cues;
 * - `response-cues`: the ~30 dense cues alone (for small labelled sets).
 */
export const featurizerConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('hashed-ngrams'),
    /** Output dimension (default 2048). */
    dim: z.number().int().positive().default(2048),
  }),
  z.strictObject({ kind: z.literal('response-cues') }),
]);
export type FeaturizerConfig = z.output<typeof featurizerConfigSchema>;
export type FeaturizerConfigInput = z.input<typeof featurizerConfigSchema>;

export const DEFAULT_FEATURIZER_CONFIG: FeaturizerConfig = { kind: 'hashed-ngrams', dim: 2048 };

/** Builds the featurizer a config names. */
export async function createFeaturizer(config: FeaturizerConfig): Promise<Featurizer> {
  switch (config.kind) {
    case 'hashed-ngrams':
      return new HashedNgramFeaturizer({ dim: config.dim });
    case 'response-cues':
      return new ResponseCueFeaturizer();
  }
}
