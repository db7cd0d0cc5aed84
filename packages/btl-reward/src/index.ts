export { REWARD_MODEL_KINDS, DPL_ORIGINAL_C, resolveRewardModelConfig, type RewardModelKind, type RewardModelConfig, type ResolvedRewardModelConfig } from './config.js';
export { pairwiseLogisticLoss, pairwiseAccuracy } from './losses.js';
export { RewardHead } from './reward-head.js';
export { RewardModel, stackTargets, splitTargets, type PairTensors, type ForwardOptions, type RewardModelOutput, type Objective, type PlainPairs } from './models/reward-model.js';
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
export { PAPER_OPTIMIZER, resolveOptimizerConfig, toAdamConfig, type OptimizerConfig, type ResolvedOptimizerConfig } from './optimizer-config.js';
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
export { trainStep, type TrainStepResult } from './train-step.js';
export { BestModelTracker, validationMetricNames, type BestModelOptions, type BestModelRecord } from './best-model.js';
export { loadRewardModel, REWARD_MODEL_CHECKPOINT_KIND } from './checkpoint.js';
