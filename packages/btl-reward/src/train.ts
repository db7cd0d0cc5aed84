import {
  Adam,
  CheckpointDirectory,
  DivergenceGuard,
  type DivergencePolicy,
  crashPoint,
  disposeCheckpoint,
  loadCheckpoint,
  Rng,
  type RngState,
  SteerableError,
} from '@steerable/core';
import { type EmbeddedPairSet, type SplitName, TaskSampler, type TaskSamplerState } from '@steerable/preference-data';
import { disposePairTensors, taskBatchTensors } from './batch-tensors.js';
import { type BestModelOptions, type BestModelRecord, BestModelTracker } from './best-model.js';
import { REWARD_MODEL_CHECKPOINT_KIND } from './checkpoint.js';
import { EarlyStopping, type EarlyStoppingOptions, type EarlyStopRecord } from './early-stopping.js';
import { DEFAULT_EVALUATION, type EvaluateOptions, type EvalReport, evaluateRewardModel } from './evaluate.js';
import type { RewardModel } from './models/reward-model.js';
import { type TrainStepResult, trainStep } from './train-step.js';
import { type OptimizerConfig, type ResolvedOptimizerConfig, resolveOptimizerConfig, toAdamConfig } from './config/optimizer-config.js';

/** How training tasks are drawn (see TaskSampler); defaults are the paper's. */
export interface SamplerConfig {
  split?: SplitName;
  /** T (default 20). */
  numTargets?: number;
  /** k or [min, max] drawn per batch (default [0, 10]). */
  contextSize?: number | [number, number];
  /** Tasks per batch (default 64). */
  batchSize?: number;
  /** Tasks per epoch (default: the number of pairs in the split, as the original). */
  tasksPerEpoch?: number;
  /** The context drawn among the targets, as the original trained (default false: disjoint). */
  targetsIncludeContext?: boolean;
}

export type ResolvedSamplerConfig = Required<Omit<SamplerConfig, 'tasksPerEpoch'>> & { tasksPerEpoch: number | null };

export const PAPER_SAMPLER: ResolvedSamplerConfig = {
  split: 'train',
  numTargets: 20,
  contextSize: [0, 10],
  batchSize: 64,
  tasksPerEpoch: null,
  targetsIncludeContext: false,
};

export type TrainEventType = 'start' | 'step' | 'epoch' | 'eval' | 'checkpoint' | 'end';

export interface TrainEvent {
  type: TrainEventType;
  /** Optimizer steps completed. */
  step: number;
  /** 0-based epoch the event belongs to. */
  epoch: number;
  totalSteps: number;
  /** Loss of this step ('step'), mean over the epoch ('epoch'), last step otherwise; NaN before any step. */
  loss: number;
  /** Slash-namespaced metrics: train/loss, train/accuracy, train/kl, train/learning_rate, eval/... */
  metrics: Record<string, number>;
  /** 'checkpoint': the directory written. */
  path?: string;
  /** 'eval': the full validation report. */
  report?: EvalReport;
  /** 'end': whether the run stopped early through the abort signal. */
  aborted?: boolean;
  /** 'end': set when early stopping ended the run (the metric had not improved for `patience` evaluations). */
  stoppedEarly?: EarlyStopRecord;
  /** 'eval' with `bestModel` set: the best validation result so far (this one, if `improved`). */
  best?: BestModelRecord;
  improved?: boolean;
}

export interface TrainRewardModelOptions {
  model: RewardModel;
  trainSet: EmbeddedPairSet;
  sampler?: SamplerConfig;
  optimizer?: OptimizerConfig;
  epochs: number;
  /** Seeds task sampling, dropout and latent sampling (initialisation is model.config.initSeed). */
  seed: number;
  /** Write a checkpoint every N steps (and at the end) into checkpointDir. */
  checkpointEvery?: number;
  checkpointDir?: string;
  /** How many step-N checkpoints to keep (default 3). */
  keepCheckpoints?: number;
  /** A checkpoint directory to resume from exactly (weights, Adam moments, RNG and sampler position). */
  resumeFrom?: string;
  /** Evaluate on `validation` every N steps (and at the end when set). */
  evaluateEvery?: number;
  validation?: EvaluateOptions & { set?: EmbeddedPairSet };
  /** Keep the weights that score best on validation, and load them at the end (needs validation and evaluateEvery). */
  bestModel?: BestModelOptions;
  /**
   * Stop when bestModel's metric has not improved for `patience` evaluations (needs bestModel);
   * the best weights are the ones kept. A resumed run stops where the uninterrupted one does.
   */
  earlyStopping?: EarlyStoppingOptions;
  /**
   * Written into every checkpoint's manifest (`extra`), step-N and best alike: what a loader needs
   * beside the weights, e.g. `{ featurizer }` so a run can score text (see loadRewardRun).
   */
  checkpointExtra?: Record<string, unknown>;
  /**
   * A non-finite loss or gradient is caught before the update: 'stop' (default) throws a
   * DivergenceError naming the step and tensor, leaving the last checkpoint from before it; 'skip'
   * drops that step's update and goes on (the step is logged with `train/skipped`).
   */
  onNonFinite?: DivergencePolicy;
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void | Promise<void>;
  /** Emit 'step' events every N steps (default 1). */
  logEvery?: number;
}

export interface TrainResult {
  steps: number;
  totalSteps: number;
  /** Mean loss of the last epoch trained in this call (NaN if none). */
  finalLoss: number;
  lastCheckpoint: string | null;
  aborted: boolean;
  optimizer: ResolvedOptimizerConfig;
  sampler: ResolvedSamplerConfig;
  /** The selected best-on-validation weights (what the model holds at the end when loadAtEnd), or null. */
  best: BestModelRecord | null;
  /** Where and why early stopping ended the run, or null when it ran to its last epoch (or was aborted). */
  stoppedEarly: EarlyStopRecord | null;
}

export function resolveSamplerConfig(config: SamplerConfig = {}): ResolvedSamplerConfig {
  return {
    split: config.split ?? PAPER_SAMPLER.split,
    numTargets: config.numTargets ?? PAPER_SAMPLER.numTargets,
    contextSize: config.contextSize ?? PAPER_SAMPLER.contextSize,
    batchSize: config.batchSize ?? PAPER_SAMPLER.batchSize,
    tasksPerEpoch: config.tasksPerEpoch ?? null,
    targetsIncludeContext: config.targetsIncludeContext ?? PAPER_SAMPLER.targetsIncludeContext,
  };
}

interface TrainerCheckpointExtra {
  sampler: TaskSamplerState;
  seed: number;
  epochs: number;
}

/**
 * Trains a reward model on episodes (one user per task, k context pairs and T targets), with
 * Adam/AdamW, emitting events rather than printing. Resuming from a checkpoint written here
 * continues the exact same run: training N steps, stopping, resuming and training to M gives the
 * weights of training straight to M.
 */
export async function trainRewardModel(options: TrainRewardModelOptions): Promise<TrainResult> {
  const { model, trainSet, epochs, seed } = options;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new SteerableError('invalid-config', `epochs must be a positive integer, got ${epochs}`, { field: 'epochs' });
  if (options.checkpointEvery !== undefined && !options.checkpointDir) {
    throw new SteerableError('invalid-config', 'checkpointEvery needs checkpointDir', {
      field: 'checkpointDir',
      hint: "pass the run directory's checkpoints/ folder",
    });
  }
  if (options.bestModel && (!options.validation || !options.evaluateEvery)) {
    throw new SteerableError('invalid-config', 'bestModel needs validation and evaluateEvery (the weights are chosen on validation)', {
      field: 'bestModel',
      hint: 'pass validation: { split: "validation" } and evaluateEvery: N, or drop bestModel',
    });
  }
  if (options.earlyStopping && !options.bestModel) {
    throw new SteerableError('invalid-config', 'earlyStopping needs bestModel (it stops on the best-model metric and keeps those weights)', {
      field: 'earlyStopping',
      hint: 'pass bestModel: { metric: "eval/accuracy" } with validation and evaluateEvery, or drop earlyStopping',
    });
  }
  if (trainSet.dim !== model.config.inputDim) {
    throw new SteerableError('invalid-argument', `the training data has embedding size ${trainSet.dim}, the model expects ${model.config.inputDim}`, {
      field: 'inputDim',
      hint: 'set the model inputDim to the data embedding size',
    });
  }
  const checkpoints = options.checkpointDir ? new CheckpointDirectory(options.checkpointDir, options.keepCheckpoints ?? 3) : null;
  // Before anything holds tensors: the tracker refuses a metric that validation does not report.
  const tracker = options.bestModel
    ? new BestModelTracker(model, options.bestModel, checkpoints, options.validation?.ks ?? DEFAULT_EVALUATION.ks, options.checkpointExtra)
    : null;
  const earlyStopping = options.earlyStopping ? new EarlyStopping(options.earlyStopping, options.evaluateEvery!) : null;
  const samplerConfig = resolveSamplerConfig(options.sampler);
  const optimizerConfig = resolveOptimizerConfig(options.optimizer);
  const sampler = new TaskSampler(trainSet, {
    split: samplerConfig.split,
    numTargets: samplerConfig.numTargets,
    contextSize: samplerConfig.contextSize,
    batchSize: samplerConfig.batchSize,
    targetsIncludeContext: samplerConfig.targetsIncludeContext,
    seed,
    ...(samplerConfig.tasksPerEpoch !== null ? { tasksPerEpoch: samplerConfig.tasksPerEpoch } : {}),
  });
  const totalSteps = epochs * sampler.numBatches;
  const params = model.trainableParameters();
  const adam = new Adam(params, toAdamConfig(optimizerConfig));
  const rng = new Rng(`${seed}/train`);
  const guard = new DivergenceGuard({ policy: options.onNonFinite ?? 'stop' });
  const logEvery = options.logEvery ?? 1;
  const emit = async (event: TrainEvent): Promise<void> => {
    if (options.onEvent) await options.onEvent(event);
  };

  let step = 0;
  let startEpoch = 0;
  if (options.resumeFrom) {
    const contents = await loadCheckpoint(options.resumeFrom);
    try {
      const extra = contents.manifest.extra as unknown as Partial<TrainerCheckpointExtra>;
      if (contents.manifest.model.kind !== REWARD_MODEL_CHECKPOINT_KIND || !extra.sampler || !contents.optimizerState || !contents.manifest.rng.train) {
        throw new SteerableError('bad-checkpoint', 'checkpoint lacks the trainer state needed to resume (model kind, optimizer, RNG, sampler position)', {
          file: `${options.resumeFrom}/manifest.json`,
          hint: 'resume from a checkpoint written by trainRewardModel',
        });
      }
      model.loadStateDict(contents.weights, { source: `${options.resumeFrom}/weights.safetensors` });
      adam.loadStateDict({ step: contents.manifest.optimizer!.step, tensors: contents.optimizerState });
      rng.setState(contents.manifest.rng.train as RngState);
      sampler.setState(extra.sampler);
      step = contents.manifest.step;
      startEpoch = extra.sampler.epoch;
    } finally {
      disposeCheckpoint(contents);
    }
    await tracker?.restore();
  }

  let lastLoss = Number.NaN;
  let finalLoss = Number.NaN;
  let lastCheckpoint: string | null = null;
  let aborted = false;
  // A resumed run that had already stopped early stays stopped (its last checkpoint is the stop step).
  let stoppedEarly: EarlyStopRecord | null = earlyStopping && step > 0 ? earlyStopping.check(step, tracker?.best ?? null) : null;
  let epoch = startEpoch;

  const saveCheckpoint = async (epoch: number): Promise<void> => {
    if (!checkpoints) return;
    const extra: TrainerCheckpointExtra = { sampler: sampler.state(), seed, epochs };
    const optimizerState = adam.stateDict();
    lastCheckpoint = await checkpoints.save({
      step,
      model: { kind: REWARD_MODEL_CHECKPOINT_KIND, config: model.config, state: model.stateDict() },
      optimizer: { kind: optimizerConfig.kind, config: optimizerConfig, step: optimizerState.step, state: optimizerState.tensors },
      rng: { train: rng.state() },
      extra: { ...options.checkpointExtra, ...extra, sampler_config: samplerConfig } as unknown as Record<string, unknown>,
    });
    await emit({ type: 'checkpoint', step, epoch, totalSteps, loss: lastLoss, metrics: {}, path: lastCheckpoint });
  };

  const runValidation = async (epoch: number): Promise<void> => {
    if (!options.validation) return;
    const { set, ...evalOptions } = options.validation;
    const report = await evaluateRewardModel(model, set ?? trainSet, { split: 'validation', ...evalOptions });
    const metrics: Record<string, number> = {};
    const overall = report.heldout.overall ?? {};
    const means = Object.entries(overall).map(([k, stat]) => {
      metrics[`eval/accuracy@k=${k}`] = stat.mean;
      return stat.mean;
    });
    metrics['eval/accuracy'] = means.reduce((a, b) => a + b, 0) / Math.max(1, means.length);
    const improved = tracker ? await tracker.consider(step, metrics) : undefined;
    const best = tracker?.best ?? undefined;
    await emit({ type: 'eval', step, epoch, totalSteps, loss: lastLoss, metrics, report, ...(best ? { best, improved: improved! } : {}) });
  };

  model.train();
  await emit({ type: 'start', step, epoch: startEpoch, totalSteps, loss: Number.NaN, metrics: { 'train/learning_rate': optimizerConfig.lr } });
  outer: for (; epoch < epochs && !stoppedEarly; epoch++) {
    let epochLossSum = 0;
    let epochSteps = 0;
    for (const batch of sampler.epoch(epoch)) {
      const tensors = taskBatchTensors(batch);
      let result: TrainStepResult;
      try {
        result = await trainStep(model, adam, params, tensors, { rng, step, guard });
      } finally {
        disposePairTensors(tensors);
      }
      step += 1;
      const { loss } = result;
      const metrics: Record<string, number> = { 'train/loss': loss, 'train/learning_rate': optimizerConfig.lr, 'train/accuracy': result.accuracy };
      if (result.regularizer !== null) metrics['train/kl'] = result.regularizer;
      if (result.skipped) {
        metrics['train/skipped'] = 1;
      } else {
        lastLoss = loss;
        epochLossSum += loss;
        epochSteps += 1;
      }
      if (step % logEvery === 0 || step === totalSteps) await emit({ type: 'step', step, epoch, totalSteps, loss, metrics });
      // Crash tests kill the process here: the step's update applied and logged, its checkpoint not yet written.
      crashPoint('train-step');
      if (options.checkpointEvery && step % options.checkpointEvery === 0) await saveCheckpoint(epoch);
      if (options.evaluateEvery && step % options.evaluateEvery === 0) {
        await runValidation(epoch);
        model.train();
        stoppedEarly = earlyStopping?.check(step, tracker?.best ?? null) ?? null;
      }
      if (options.signal?.aborted) {
        aborted = true;
        await saveCheckpoint(epoch);
        break outer;
      }
      if (stoppedEarly) break;
    }
    if (epochSteps > 0) {
      finalLoss = epochLossSum / epochSteps;
      await emit({ type: 'epoch', step, epoch, totalSteps, loss: finalLoss, metrics: { 'train/epoch_loss': finalLoss } });
    }
    if (stoppedEarly) break;
  }
  const lastEpoch = Math.min(epoch, epochs - 1);
  if (!aborted) {
    if (checkpoints && (!options.checkpointEvery || step % options.checkpointEvery !== 0)) await saveCheckpoint(lastEpoch);
    if (options.validation && (!options.evaluateEvery || step % options.evaluateEvery !== 0)) await runValidation(lastEpoch);
    if (tracker && (options.bestModel?.loadAtEnd ?? true)) tracker.loadInto();
  }
  const best = tracker?.best ?? null;
  tracker?.dispose();
  model.eval();
  adam.dispose();
  await emit({
    type: 'end',
    step,
    epoch: Math.min(epochs - 1, sampler.state().epoch),
    totalSteps,
    loss: lastLoss,
    metrics: {},
    aborted,
    ...(stoppedEarly ? { stoppedEarly } : {}),
  });
  return { steps: step, totalSteps, finalLoss, lastCheckpoint, aborted, optimizer: optimizerConfig, sampler: samplerConfig, best, stoppedEarly };
}
