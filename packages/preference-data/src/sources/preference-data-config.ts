import { z } from 'zod';
import { PREFERENCE_FORMAT_NAMES } from '../readers/record-format.js';
import { pairSelectionShape } from '../select/pair-selection-config.js';
import { DEFAULT_FEATURIZER_CONFIG, featurizerConfigSchema } from './featurizer-config.js';

const splitFractions = z
  .tuple([z.number().min(0), z.number().min(0), z.number().min(0)])
  .refine((f) => Math.abs(f[0] + f[1] + f[2] - 1) < 1e-6, { message: 'the three fractions (train, validation, test) must sum to 1' });

const featurizer = featurizerConfigSchema.default(DEFAULT_FEATURIZER_CONFIG);

/**
 * Where a run's preference data comes from, and how text becomes embeddings. The same config
 * rebuilds exactly the same splits, so an evaluator reproduces a training run's test split from
 * its config.json.
 */
export const preferenceDataConfigSchema = z.discriminatedUnion('source', [
  z.strictObject({
    /** The paper's synthetic scalar data (two user types, 1-D options). */
    source: z.literal('paper-synthetic'),
    numPairs: z.number().int().positive().default(20_000),
    seed: z.number().int().default(0),
    splitFractions: splitFractions.default([0.8, 0.1, 0.1]),
  }),
  z.strictObject({
    /** The relabeled HH-RLHF pairs shipped with this package (users `helpful` and `harmless`). */
    source: z.literal('relabeled-hh'),
    featurizer,
    seed: z.number().int().default(0),
    splitFractions: splitFractions.default([0.8, 0.1, 0.1]),
  }),
  z.strictObject({
    /**
     * Embeddings computed elsewhere (a directory written by writeEmbeddingStore: index.jsonl with
     * the choices and splits, embeddings.npy or .safetensors). Such a run scores embeddings, not text.
     */
    source: z.literal('embedding-store'),
    path: z.string().min(1),
    /** Seeds the split when the store has no splits. */
    seed: z.number().int().default(0),
    splitFractions: splitFractions.default([0.8, 0.1, 0.1]),
  }),
  z.strictObject({
    /** A preference file (TRL, HH-RLHF, relabeled HH, UltraFeedback; JSONL, CSV, parquet; gzip ok). */
    source: z.literal('file'),
    path: z.string().min(1, 'needs a file: pass --data FILE'),
    format: z.enum(PREFERENCE_FORMAT_NAMES).optional(),
    featurizer,
    ...pairSelectionShape,
    /** Seeds the split (splitBy, or a file without a split column). */
    seed: z.number().int().default(0),
    splitFractions: splitFractions.default([0.8, 0.1, 0.1]),
  }),
]);
export type PreferenceDataConfig = z.output<typeof preferenceDataConfigSchema>;
export type PreferenceDataConfigInput = z.input<typeof preferenceDataConfigSchema>;
