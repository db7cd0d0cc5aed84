export { SteerableError, isSteerableError, assertArgument, formatLocation, type ErrorLocation, type SteerableErrorOptions } from './errors.js';
export { Rng, type RngState } from './rng.js';
export { silentLogger, MemoryLogger, type Logger, type LogFields, type LogRecord } from './logger.js';
export { parseConfig, configError, knownKeysAt, type ParseConfigOptions } from './config/parse-config.js';
export { nearestName, editDistance } from './config/nearest-name.js';
export { writeFileAtomic, writeJsonAtomic } from './io/atomic-write.js';
export {
  float32Entry,
  int32Entry,
  entryToFloat32,
  serializeSafetensors,
  parseSafetensors,
  readSafetensors,
  writeSafetensors,
  type SafetensorsDtype,
  type NamedArray,
  type SafetensorsFile,
} from './io/safetensors.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  saveCheckpoint,
  loadCheckpoint,
  disposeCheckpoint,
  CheckpointDirectory,
  type CheckpointManifest,
  type CheckpointContents,
  type SaveCheckpointInput,
} from './io/checkpoint.js';
export { Module, ModuleList } from './layers/module.js';
export { uniformTensor, normalTensor, pytorchLinearBound, xavierUniformTensor } from './layers/init.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { activation, geluTanh, geluErf, type ActivationName } from './layers/activations.js';
export { Mlp, type MlpOptions } from './layers/mlp.js';
export { BatchNorm1d, type BatchNormOptions } from './layers/batch-norm.js';
export { LayerNorm } from './layers/layer-norm.js';
export { dropout } from './layers/dropout.js';
export { Embedding } from './layers/embedding.js';
export { MultiHeadAttention, type MultiHeadAttentionOptions, type AttentionCall } from './layers/multi-head-attention.js';
export { Adam, type AdamConfig, type ResolvedAdamConfig } from './optim/adam.js';
export { AdamUpdate, type AdamUpdateInputs, type AdamUpdateAttrs } from './optim/adam-update-kernel.js';
export { valueAndGradients, disposeGradients } from './optim/gradients.js';
