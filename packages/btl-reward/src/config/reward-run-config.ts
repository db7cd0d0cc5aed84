import { z } from 'zod';
import { parseConfig } from '@steerable/core';
import { preferenceDataConfigSchema } from '@steerable/preference-data';
import { validationMetricNames } from '../best-model.js';
import { rewardEvaluationConfigSchema } from './reward-evaluation-config.js';
import { REWARD_MODEL_KINDS, rewardModelConfigSchema } from './reward-model-config.js';
import { rewardTrainingConfigSchema } from './reward-training-config.js';

/** A run's model section: the model config, with the input size and seed filled in from the run. */
const runModelSchema = rewardModelConfigSchema.extend({ inputDim: z.number().int().positive().optional(), initSeed: z.number().int().optional() });

/**
 * A reward training run (a preset, a --config file, or a run's config.json): data, model,
 * training and evaluation. Strict at every level: a misspelt key is an error.
 */
export const rewardRunConfigSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().default(''),
    seed: z.number().int().default(0),
    /**
     * What `seed` draws. 'training' (default): the initialisation, the training tasks and dropout;
     * data.seed and evaluation.seed keep their own values, so every seed sees one split and one set
     * of evaluation tasks. 'all': also the split (data.seed) and the validation and evaluation tasks
     * (evaluation.seed), which then take the run's seed whatever they say: the real-text
     * experiments' protocol, where each seed is a fresh split.
     */
    seedScope: z.enum(['training', 'all']).default('training'),
    data: preferenceDataConfigSchema,
    model: runModelSchema,
    training: rewardTrainingConfigSchema.default(rewardTrainingConfigSchema.parse({})),
    evaluation: rewardEvaluationConfigSchema.default(rewardEvaluationConfigSchema.parse({})),
  })
  .superRefine((run, context) => {
    if (run.training.loadBestModelAtEnd && !run.training.evaluateEvery) {
      context.addIssue({
        code: 'custom',
        path: ['training', 'loadBestModelAtEnd'],
        message: 'loadBestModelAtEnd needs training.evaluateEvery: the best weights are chosen on validation, e.g. "evaluateEvery": 25',
      });
    }
    if (run.training.earlyStoppingPatience !== undefined && !run.training.loadBestModelAtEnd) {
      context.addIssue({
        code: 'custom',
        path: ['training', 'earlyStoppingPatience'],
        message: 'earlyStoppingPatience needs training.loadBestModelAtEnd: true (it stops on metricForBestModel and keeps the best weights)',
      });
    }
    // Checked here so a typo fails before training, not at the first validation steps later.
    const known = validationMetricNames(run.evaluation.ks);
    if (run.training.loadBestModelAtEnd && !known.includes(run.training.metricForBestModel)) {
      context.addIssue({
        code: 'custom',
        path: ['training', 'metricForBestModel'],
        message: `'${run.training.metricForBestModel}' is not a validation metric; use one of ${known.join(', ')}`,
      });
    }
  });

export type RewardRunConfig = z.output<typeof rewardRunConfigSchema>;
export type RewardRunConfigInput = z.input<typeof rewardRunConfigSchema>;

export { REWARD_MODEL_KINDS };

/** Validates a reward run config; errors name the file and the field (and the nearest valid key). */
export function parseRewardRunConfig(input: unknown, file?: string): RewardRunConfig {
  const run = parseConfig(rewardRunConfigSchema, input, {
    ...(file ? { file } : {}),
    reference: 'every field and its default: steerable-train reward --list-presets --json',
  });
  return run.seedScope === 'all' ? { ...run, data: { ...run.data, seed: run.seed }, evaluation: { ...run.evaluation, seed: run.seed } } : run;
}
