import { z } from 'zod';
import { optimizerConfigSchema } from './optimizer-config.js';

const contextSize = z
  .tuple([z.number().int().min(0), z.number().int().min(0)])
  .refine(([min, max]) => min <= max, { message: 'contextSize is [min, max] with min <= max' });

/** How a reward model trains (the paper's episodes and Adam by default; docs/method.md). */
export const rewardTrainingConfigSchema = z.strictObject({
  epochs: z.number().int().positive().default(3),
  /** Tasks per batch (B). */
  batchSize: z.number().int().positive().default(64),
  /** Target pairs per task (T). */
  numTargets: z.number().int().positive().default(20),
  /** k ~ UniformInt[min, max] per batch (context-free models train with k = 0). */
  contextSize: contextSize.default([0, 10]),
  /** Tasks per epoch (default: as many as the split has pairs, as the original). */
  tasksPerEpoch: z.number().int().positive().optional(),
  /** Draw the context among the T targets (the original code's episodes) instead of disjoint from them. */
  targetsIncludeContext: z.boolean().default(false),
  /**
   * Context-free kinds (BTL, DPL) ignore the context, so by default they train on tasks without one
   * (k = 0). true draws it anyway: at one seed they then train on exactly the tasks a context model
   * (NP-BTL) draws, as the real-text presets compare them.
   */
  sameTasksAsContextModels: z.boolean().default(false),
  /** Train only on these users' labels (per-type oracles); evaluation still covers every user. */
  users: z.array(z.string().min(1)).min(1).optional(),
  optimizer: optimizerConfigSchema.default({ kind: 'adam', lr: 1e-4, eps: 3e-5, betas: [0.9, 0.999], maxGradNorm: null }),
  /** Emit a step record every N steps. */
  logEvery: z.number().int().positive().default(10),
  /** Write a checkpoint every N steps (default: at the end, and when interrupted). */
  checkpointEvery: z.number().int().positive().optional(),
  /** How many step-N checkpoints to keep. */
  keepCheckpoints: z.number().int().positive().default(3),
  /** Evaluate on the validation split every N steps (TRL's eval_steps); scores go to metrics.jsonl. */
  evaluateEvery: z.number().int().positive().optional(),
  /** Validation tasks per user type at each of those evaluations (the evaluation's ks and T). */
  validationTasksPerUser: z.number().int().positive().default(100),
  /** Keep the best-on-validation weights in checkpoints/best and end training with them; needs evaluateEvery. */
  loadBestModelAtEnd: z.boolean().default(false),
  /** What "best" means: 'eval/accuracy' (mean held-out accuracy over the ks) or 'eval/accuracy@k=K'. */
  metricForBestModel: z.string().default('eval/accuracy'),
  /**
   * Stop once metricForBestModel has not improved for this many evaluations in a row (TRL's
   * early_stopping_patience, Keras' patience); the best weights are kept. Needs loadBestModelAtEnd.
   */
  earlyStoppingPatience: z.number().int().positive().optional(),
  /** A non-finite loss or gradient, caught before the update: 'stop' the run (default) or 'skip' that step's update. */
  onNonFinite: z.enum(['stop', 'skip']).default('stop'),
});
export type RewardTrainingConfig = z.output<typeof rewardTrainingConfigSchema>;
export type RewardTrainingConfigInput = z.input<typeof rewardTrainingConfigSchema>;
