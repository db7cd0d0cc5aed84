import { z } from 'zod';

/** One accuracy estimate: mean over tasks, its standard error, and how many tasks. */
export const statSchema = z.object({ mean: z.number().min(0).max(1), sem: z.number().min(0), n: z.number().int().nonnegative() });
export type Stat = z.infer<typeof statSchema>;

const byKSchema = z.record(z.string().regex(/^\d+$/), statSchema);
const byUserSchema = z.record(z.string(), byKSchema);

/** One reliability-diagram bin; an empty bin has null confidence and accuracy. */
export const reliabilityBinSchema = z.object({
  lower: z.number(),
  upper: z.number(),
  count: z.number().int().nonnegative(),
  confidence: z.number().nullable(),
  accuracy: z.number().nullable(),
});

/** Calibration of held-out predictions (btl-reward's CalibrationReport). */
export const calibrationSchema = z.object({
  n: z.number().int().nonnegative(),
  nll: z.number().nullable(),
  brier: z.number().nullable(),
  ece: z.number().nullable(),
  bins: z.array(reliabilityBinSchema),
});
export type Calibration = z.infer<typeof calibrationSchema>;

/** z of test users with their true type, and its 2-D projection (shared axes over every k). */
export const latentsSchema = z.object({
  method: z.string(),
  explained_variance_ratio: z.tuple([z.number(), z.number()]),
  points: z.array(z.object({ k: z.number().int().nonnegative(), user: z.string(), z: z.array(z.number()), xy: z.tuple([z.number(), z.number()]) })),
});
export type Latents = z.infer<typeof latentsSchema>;

/** Learned reward curves r(y) per user type and k on a grid of scalar options, standardised (btl-reward's RewardCurves). */
export const rewardCurvesSchema = z.object({
  grid: z.array(z.number()),
  normalisation: z.string(),
  truth: z.record(z.string(), z.array(z.number())).optional(),
  curves: z.array(
    z.object({
      user: z.string(),
      k: z.number().int().nonnegative(),
      mean: z.array(z.number()),
      sem: z.array(z.number()),
      n: z.number().int().nonnegative(),
      rmse: z.number().optional(),
    }),
  ),
});
export type RewardCurves = z.infer<typeof rewardCurvesSchema>;

/**
 * The reward eval.json contract (issue 4): other tools read it, so it is validated on write and
 * read. The fields after all_targets are optional additions (issue 15); older files lack them.
 */
export const rewardEvalSchema = z.object({
  model: z.string(),
  k: z.array(z.number().int().nonnegative()),
  heldout: byUserSchema.and(z.object({ overall: byKSchema })),
  all_targets: byUserSchema.and(z.object({ overall: byKSchema })),
  /** Calibration of the held-out predictions per user type and `overall`, by k. */
  calibration: z.record(z.string(), z.record(z.string().regex(/^\d+$/), calibrationSchema)).optional(),
  latents: latentsSchema.optional(),
  reward_curves: rewardCurvesSchema.optional(),
  /** The user types this model is an oracle for (trained on their labels only): drawn dashed, in those types' panels. */
  oracle_for: z.array(z.string()).optional(),
});
export type RewardEval = z.infer<typeof rewardEvalSchema>;

/** A policy estimate; n = 0 gives null mean and sem (NaN in memory). */
export const meanSemSchema = z.object({ mean: z.number().nullable(), sem: z.number().nullable(), n: z.number().int().nonnegative() });
export type MeanSem = z.infer<typeof meanSemSchema>;
const meanSemByKSchema = z.record(z.string(), meanSemSchema);

/** The policy eval.json (conditioned-dpo's PolicyEvalJson), as the report reads it: unknown keys are kept. */
export const policyEvalSchema = z.looseObject({
  model: z.string(),
  k: z.array(z.number().int().nonnegative()),
  /** Per conditioning type, by k. */
  implicit_accuracy: z.record(z.string(), meanSemByKSchema),
  /** Per conditioning type, by k: generations against DPO-mixed's, judged by that type's oracle. */
  win_rate: z.record(z.string(), meanSemByKSchema),
  /** Per conditioning type, per scoring oracle, by k. */
  oracle_reward: z.record(z.string(), z.record(z.string(), meanSemByKSchema)),
  /** Unconditional baselines (k-independent), per type. */
  baselines: z
    .record(
      z.string(),
      z
        .object({
          implicit_accuracy: z.record(z.string(), meanSemSchema),
          oracle_reward: z.record(z.string(), meanSemSchema),
          win_rate: z.record(z.string(), meanSemSchema),
        })
        .partial(),
    )
    .optional(),
});
export type PolicyEval = z.infer<typeof policyEvalSchema>;
