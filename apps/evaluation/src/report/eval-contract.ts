import { z } from 'zod';

/** One accuracy estimate: mean over tasks, its standard error, and how many tasks. */
export const statSchema = z.object({ mean: z.number().min(0).max(1), sem: z.number().min(0), n: z.number().int().nonnegative() });
export type Stat = z.infer<typeof statSchema>;

const byKSchema = z.record(z.string().regex(/^\d+$/), statSchema);
const byUserSchema = z.record(z.string(), byKSchema);

/** The reward eval.json contract (issue 4): other tools read it, so it is validated on write and read. */
export const rewardEvalSchema = z.object({
  model: z.string(),
  k: z.array(z.number().int().nonnegative()),
  heldout: byUserSchema.and(z.object({ overall: byKSchema })),
  all_targets: byUserSchema.and(z.object({ overall: byKSchema })),
});
export type RewardEval = z.infer<typeof rewardEvalSchema>;
