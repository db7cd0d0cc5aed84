import { z } from 'zod';

/** How `steerable-eval reward` (and validation during training) scores a reward model. */
export const rewardEvaluationConfigSchema = z.strictObject({
  split: z.enum(['train', 'validation', 'test']).default('test'),
  /** Context sizes k. */
  ks: z.array(z.number().int().min(0)).min(1).default([0, 1, 3, 5, 10]),
  /** Held-out target pairs per task (T). */
  numTargets: z.number().int().positive().default(20),
  tasksPerUser: z.number().int().positive().default(500),
  seed: z.number().int().default(1234),
});
export type RewardEvaluationConfig = z.output<typeof rewardEvaluationConfigSchema>;
