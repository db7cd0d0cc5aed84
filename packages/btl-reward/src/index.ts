export {
  REWARD_MODEL_KINDS,
  DPL_ORIGINAL_C,
  rewardModelConfigSchema,
  resolveRewardModelConfig,
  type RewardModelKind,
  type RewardModelConfig,
  type ResolvedRewardModelConfig,
} from './config/reward-model-config.js';
export { rewardTrainingConfigSchema, type RewardTrainingConfig, type RewardTrainingConfigInput } from './config/reward-training-config.js';
export { rewardEvaluationConfigSchema, type RewardEvaluationConfig } from './config/reward-evaluation-config.js';
export { rewardRunConfigSchema, parseRewardRunConfig, type RewardRunConfig, type RewardRunConfigInput } from './config/reward-run-config.js';
export { REWARD_PRESETS, REWARD_PRESET_DATA_HINTS } from './config/reward-presets.js';
export { trainingOptionsFromConfig, type TrainingOptionsFromConfig } from './config/training-options.js';
export { pairwiseLogisticLoss, pairwiseAccuracy } from './losses.js';
export { RewardHead } from './reward-head.js';
export {
  RewardModel,
  stackTargets,
  splitTargets,
  type PairTensors,
  type ForwardOptions,
  type PreparedTargets,
  type RewardModelOutput,
  type Objective,
  type PlainPairs,
} from './models/reward-model.js';
export { BtlRewardModel } from './models/btl.js';
export { DplRewardModel } from './models/dpl.js';
export { NpBtlRewardModel } from './models/np-btl.js';
export { VplRewardModel } from './models/vpl.js';
export { createRewardModel } from './factory.js';
export { taskBatchTensors, disposePairTensors } from './batch-tensors.js';
export {
  evaluateRewardModel,
  summarise,
  DEFAULT_EVALUATION,
  type EvalReport,
  type EvaluateOptions,
  type AccuracyStat,
  type AccuracyByK,
  type UserLatentsReport,
  type UserLatentPoint,
} from './evaluate.js';
export {
  pairwiseCalibration,
  binaryNll,
  brierScore,
  reliabilityBins,
  expectedCalibrationError,
  NLL_PROBABILITY_FLOOR,
  type CalibrationReport,
  type ReliabilityBin,
} from './calibration.js';
export { rewardCurves, standardise, DEFAULT_REWARD_CURVE_GRID, type RewardCurveOptions, type RewardCurve, type RewardCurves } from './reward-curves.js';
export { inferUserLatents } from './user-latents.js';
export { scoreLabels } from './label-logits.js';
export {
  PAPER_OPTIMIZER,
  optimizerConfigSchema,
  resolveOptimizerConfig,
  toAdamConfig,
  type OptimizerConfig,
  type ResolvedOptimizerConfig,
} from './config/optimizer-config.js';
export {
  trainRewardModel,
  resolveSamplerConfig,
  PAPER_SAMPLER,
  type TrainRewardModelOptions,
  type TrainEvent,
  type TrainEventType,
  type TrainResult,
  type SamplerConfig,
  type ResolvedSamplerConfig,
} from './train.js';
export { trainStep, type TrainStepOptions, type TrainStepResult } from './train-step.js';
export { BestModelTracker, validationMetricNames, type BestModelOptions, type BestModelRecord } from './best-model.js';
export { EarlyStopping, type EarlyStoppingOptions, type EarlyStopRecord } from './early-stopping.js';
export { loadRewardModel } from './checkpoint.js';
export { REWARD_MODEL_CHECKPOINT_KIND, rewardModelFromCheckpoint, loadRewardModelFrom } from './reward-checkpoint.js';
export { FrozenUserRewardModel } from './models/frozen-user.js';
export { loadRewardRun, type LoadRewardRunOptions } from './text/load-reward-run.js';
export { fetchRewardRun, loadRewardRunFrom, type FetchRewardRunOptions, type LoadRewardRunFromOptions } from './text/fetch-reward-run.js';
export { TextRewardModel, type TextChoice } from './text/text-reward-model.js';
export { UserRewardModel } from './text/user-reward-model.js';
export { featurizerCheckpointExtra, readFeaturizerRecord, assertSameFeaturizer, type FeaturizerRecord } from './text/featurizer-record.js';
