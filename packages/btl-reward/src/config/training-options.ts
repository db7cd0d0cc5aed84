import type { BestModelOptions } from '../best-model.js';
import type { EarlyStoppingOptions } from '../early-stopping.js';
import type { EvaluateOptions } from '../evaluate.js';
import type { SamplerConfig } from '../train.js';
import type { ResolvedOptimizerConfig } from './optimizer-config.js';
import { resolveOptimizerConfig } from './optimizer-config.js';
import type { RewardEvaluationConfig } from './reward-evaluation-config.js';
import type { RewardModelKind } from './reward-model-config.js';
import type { RewardTrainingConfig } from './reward-training-config.js';

/** The trainRewardModel options a run config's training and evaluation sections stand for. */
export interface TrainingOptionsFromConfig {
  epochs: number;
  sampler: SamplerConfig;
  optimizer: ResolvedOptimizerConfig;
  logEvery: number;
  checkpointEvery?: number;
  keepCheckpoints: number;
  evaluateEvery?: number;
  validation?: EvaluateOptions;
  bestModel?: BestModelOptions;
  earlyStopping?: EarlyStoppingOptions;
  onNonFinite: 'stop' | 'skip';
}

/**
 * Maps the config sections onto trainRewardModel's options, so every setting a config states
 * reaches the loop (the optimizer's betas and gradient clip included). Context-free kinds (BTL,
 * DPL) train with k = 0 whatever the config's context range, unless sameTasksAsContextModels.
 */
export function trainingOptionsFromConfig(
  training: RewardTrainingConfig,
  evaluation: RewardEvaluationConfig,
  kind: RewardModelKind,
): TrainingOptionsFromConfig {
  const contextFree = (kind === 'btl' || kind === 'dpl') && !training.sameTasksAsContextModels;
  return {
    epochs: training.epochs,
    sampler: {
      split: 'train',
      numTargets: training.numTargets,
      contextSize: contextFree ? 0 : training.contextSize,
      batchSize: training.batchSize,
      targetsIncludeContext: training.targetsIncludeContext,
      ...(training.tasksPerEpoch ? { tasksPerEpoch: training.tasksPerEpoch } : {}),
    },
    optimizer: resolveOptimizerConfig(training.optimizer, 'training.optimizer'),
    logEvery: training.logEvery,
    keepCheckpoints: training.keepCheckpoints,
    onNonFinite: training.onNonFinite,
    ...(training.checkpointEvery ? { checkpointEvery: training.checkpointEvery } : {}),
    ...(training.evaluateEvery
      ? {
          evaluateEvery: training.evaluateEvery,
          validation: {
            split: 'validation' as const,
            ks: evaluation.ks,
            numTargets: evaluation.numTargets,
            tasksPerUser: training.validationTasksPerUser,
            seed: evaluation.seed,
            tooFewLabels: 'skip' as const,
          },
        }
      : {}),
    ...(training.loadBestModelAtEnd ? { bestModel: { metric: training.metricForBestModel } } : {}),
    ...(training.loadBestModelAtEnd && training.earlyStoppingPatience ? { earlyStopping: { patience: training.earlyStoppingPatience } } : {}),
  };
}
