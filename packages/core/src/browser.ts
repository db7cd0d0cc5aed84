// The browser build of @steerable/core (package.json `exports` condition `browser`): everything in
// index.ts but what needs a file system (atomic writes, checkpoint directories, files on disk).
// Checkpoints load in a browser from fetched or in-memory bytes through loadCheckpointFrom.
export { SteerableError, isSteerableError, assertArgument, formatLocation, type ErrorLocation, type SteerableErrorOptions } from './errors.js';
export { Rng, type RngState } from './rng.js';
export { silentLogger, MemoryLogger, type Logger, type LogFields, type LogRecord } from './logger.js';
export { parseConfig, configError, knownKeysAt, type ParseConfigOptions } from './config/parse-config.js';
export { nearestName, editDistance } from './config/nearest-name.js';
export { assertFiniteValues, firstNonFinite } from './io/finite-values.js';
export { parseJsonBytes } from './io/parse-json-bytes.js';
export {
  float32Entry,
  int32Entry,
  entryToFloat32,
  serializeSafetensors,
  parseSafetensors,
  parseSafetensorsHeader,
  readSafetensorsHeaderLength,
  SAFETENSORS_MAX_HEADER_BYTES,
  SAFETENSORS_BYTES_PER_ELEMENT,
  type SafetensorsDtype,
  type NamedArray,
  type SafetensorsFile,
  type SafetensorsEntryInfo,
  type SafetensorsHeader,
  type SafetensorsLimits,
} from './io/safetensors.js';
export {
  disposeCheckpoint,
  isDamagedCheckpointError,
  type CheckpointContents,
  type CheckpointWarning,
  type LoadCheckpointOptions,
} from './io/checkpoint-contents.js';
export {
  loadCheckpointFrom,
  fetchCheckpointSource,
  memoryCheckpointSource,
  directoryUrl,
  sha256HexAsync,
  type CheckpointSource,
  type LoadCheckpointFromOptions,
  type FetchCheckpointSourceOptions,
} from './io/checkpoint-source.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_MANIFEST_FILE,
  CHECKPOINT_MANIFEST_MAX_BYTES,
  CHECKPOINT_OPTIMIZER_FILE,
  CHECKPOINT_VERSION,
  CHECKPOINT_WEIGHTS_FILE,
  type CheckpointFileRecord,
  type CheckpointManifest,
  validateCheckpointManifest,
} from './io/checkpoint-manifest.js';
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
export {
  DivergenceError,
  DivergenceGuard,
  type DivergenceCheck,
  type DivergenceEvent,
  type DivergenceGuardOptions,
  type DivergencePolicy,
} from './optim/divergence-guard.js';
