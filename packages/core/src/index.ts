export { SteerableError, isSteerableError, assertArgument, formatLocation, type ErrorLocation, type SteerableErrorOptions } from './errors.js';
export { Rng, type RngState } from './rng.js';
export { silentLogger, MemoryLogger, type Logger, type LogFields, type LogRecord } from './logger.js';
export { parseConfig, configError, knownKeysAt, type ParseConfigOptions } from './config/parse-config.js';
export { nearestName, editDistance } from './config/nearest-name.js';
export { writeFileAtomic, writeJsonAtomic, syncDirectory, temporarySibling, TEMPORARY_NAME } from './io/atomic-write.js';
export { removeDirectory, writeDirectoryAtomic, type WriteDirectoryAtomicOptions } from './io/atomic-directory.js';
export { assertFiniteValues, firstNonFinite } from './io/finite-values.js';
export { DEFAULT_MAX_JSON_BYTES, readJsonFile, readJsonFileWithSchema, type ReadJsonFileOptions } from './io/read-json-file.js';
export { parseJsonBytes } from './io/parse-json-bytes.js';
export { resolveInside, type SafePathLocation } from './io/safe-path.js';
export { crashPoint } from './io/crash-point.js';
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
export { readSafetensors, readSafetensorsHeader, writeSafetensors } from './io/safetensors-file.js';
export { saveCheckpoint, loadCheckpoint, verifyCheckpoint, sha256Hex, type SaveCheckpointInput, type SaveCheckpointOptions } from './io/checkpoint.js';
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
export { CheckpointDirectory, type CheckpointDirectoryOptions, type LoadedCheckpoint } from './io/checkpoint-directory.js';
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
