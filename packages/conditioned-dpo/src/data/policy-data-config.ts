import { z } from 'zod';
import { PREFERENCE_FORMAT_NAMES, pairSelectionShape } from '@steerable/preference-data';
import { steerableTextOptionsSchema } from '../benchmark/steerable-text/generate-steerable-text.js';

const splitFractions = z
  .tuple([z.number().min(0), z.number().min(0), z.number().min(0)])
  .refine((f) => Math.abs(f[0] + f[1] + f[2] - 1) < 1e-6, { message: 'the three fractions (train, validation, test) must sum to 1' });

/**
 * Where a policy run's preference pairs come from: any preference file with user ids (the formats
 * @steerable/preference-data reads), or the steerable-text benchmark's generator, which produces
 * the same records such a file would hold.
 */
export const policyDataConfigSchema = z.discriminatedUnion('source', [
  steerableTextOptionsSchema.extend({ source: z.literal('steerable-text') }),
  z.strictObject({
    source: z.literal('file'),
    path: z.string().min(1, 'needs a file: pass --data FILE'),
    format: z.enum(PREFERENCE_FORMAT_NAMES).optional(),
    ...pairSelectionShape,
    /** Seeds the split (splitBy, or a file without a split column). */
    seed: z.number().int().default(0),
    splitFractions: splitFractions.default([0.8, 0.1, 0.1]),
  }),
]);
export type PolicyDataConfig = z.output<typeof policyDataConfigSchema>;
