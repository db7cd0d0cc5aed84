import { z } from 'zod';
import { validationMetricNames } from '@steerable/btl-reward';

const splitFractions = z.tuple([z.number().min(0), z.number().min(0), z.number().min(0)]);

/**
 * The built-in text featurizers: `hashed-ngrams` (featureDim signed word/char n-gram buckets plus
 * the response cues) or `response-cues` (the ~30 dense cues alone, for small labelled sets).
 */
export const BUILTIN_FEATURIZERS = ['hashed-ngrams', 'response-cues'] as const;
const featurizer = z.enum(BUILTIN_FEATURIZERS).default('hashed-ngrams');

/** Where the preference data comes from. */
export const rewardDataSchema = z.discriminatedUnion('source', [
  z.object({
    source: z.literal('paper-synthetic'),
    numPairs: z.number().int().positive().default(20_000),
    seed: z.number().int().default(0),
    splitFractions: splitFractions.default([0.8, 0.1, 0.1]),
  }),
  z.object({
    source: z.literal('relabeled-hh'),
    featurizer,
    /** Built-in featurizer dimension (hashed word and character n-grams). */
    featureDim: z.number().int().positive().optional(),
    seed: z.number().int().default(0),
    splitFractions: splitFractions.default([0.8, 0.1, 0.1]),
  }),
  z.object({
    source: z.literal('file'),
    path: z.string().min(1),
    format: z.string().optional(),
    featurizer,
    featureDim: z.number().int().positive().optional(),
    seed: z.number().int().default(0),
    splitFractions: splitFractions.default([0.8, 0.1, 0.1]),
  }),
]);
export type RewardDataConfig = z.infer<typeof rewardDataSchema>;

export const optimizerSchema = z.object({
  kind: z.enum(['adam', 'adamw']).default('adam'),
  lr: z.number().positive().default(1e-4),
  eps: z.number().positive().default(3e-5),
  beta1: z.number().min(0).max(1).default(0.9),
  beta2: z.number().min(0).max(1).default(0.999),
  weightDecay: z.number().min(0).default(0),
});

export const rewardTrainingSchema = z.object({
  epochs: z.number().int().positive().default(3),
  batchSize: z.number().int().positive().default(64),
  numTargets: z.number().int().positive().default(20),
  contextSize: z.tuple([z.number().int().min(0), z.number().int().min(0)]).default([0, 10]),
  tasksPerEpoch: z.number().int().positive().optional(),
  /** Draw the context among the T targets (the original code's episodes) instead of disjoint from them. */
  targetsIncludeContext: z.boolean().default(false),
  /** Train only on these users' labels (per-type oracles); evaluation still covers every user. */
  users: z.array(z.string()).optional(),
  optimizer: optimizerSchema.default({ kind: 'adam', lr: 1e-4, eps: 3e-5, beta1: 0.9, beta2: 0.999, weightDecay: 0 }),
  logEvery: z.number().int().positive().default(10),
  checkpointEvery: z.number().int().positive().optional(),
  /** Evaluate on the validation split every N steps (TRL's eval_steps); the scores go to metrics.jsonl. */
  evaluateEvery: z.number().int().positive().optional(),
  /** Validation tasks per user type at each of those evaluations (the evaluation's ks and T). */
  validationTasksPerUser: z.number().int().positive().default(100),
  /** Keep the best-on-validation weights in checkpoints/best and end training with them; needs evaluateEvery. */
  loadBestModelAtEnd: z.boolean().default(false),
  /** What "best" means: 'eval/accuracy' (mean held-out accuracy over the ks) or 'eval/accuracy@k=K'. */
  metricForBestModel: z.string().default('eval/accuracy'),
}).superRefine((training, ctx) => {
  if (training.loadBestModelAtEnd && !training.evaluateEvery) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['loadBestModelAtEnd'], message: 'loadBestModelAtEnd needs training.evaluateEvery: the best weights are chosen on validation, e.g. "evaluateEvery": 25' });
  }
});

export const rewardEvaluationSchema = z.object({
  split: z.enum(['train', 'validation', 'test']).default('test'),
  ks: z.array(z.number().int().min(0)).default([0, 1, 3, 5, 10]),
  numTargets: z.number().int().positive().default(20),
  tasksPerUser: z.number().int().positive().default(500),
  seed: z.number().int().default(1234),
});

/** A reward run, as a preset or a --config file gives it, before defaults are filled in. */
export const rewardRunConfigSchema = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  seed: z.number().int().default(0),
  data: rewardDataSchema,
  /** Passed to @steerable/btl-reward's model factory (kind, dims, head options). */
  model: z.object({ kind: z.enum(['btl', 'dpl', 'np-btl', 'vpl']) }).passthrough(),
  training: rewardTrainingSchema.default(rewardTrainingSchema.parse({})),
  evaluation: rewardEvaluationSchema.default(rewardEvaluationSchema.parse({})),
}).superRefine((run, ctx) => {
  // Checked here so a typo fails before training, not at the first validation 25 steps in.
  const known = validationMetricNames(run.evaluation.ks);
  if (run.training.loadBestModelAtEnd && !known.includes(run.training.metricForBestModel)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['training', 'metricForBestModel'], message: `'${run.training.metricForBestModel}' is not a validation metric; use one of ${known.join(', ')}` });
  }
});
export type RewardRunConfig = z.infer<typeof rewardRunConfigSchema>;
export type RewardRunConfigInput = z.input<typeof rewardRunConfigSchema>;
