export * from './errors.js';
export * from './rng.js';
export * from './logger.js';
export * from './io/atomic-write.js';
export * from './io/safetensors.js';
export * from './io/checkpoint.js';
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
export { removeDirectory, writeDirectoryAtomic, type WriteDirectoryAtomicOptions } from './io/atomic-directory.js';
export { assertFiniteValues, firstNonFinite } from './io/finite-values.js';
export { DEFAULT_MAX_JSON_BYTES, parseJsonBytes, readJsonFile, readJsonFileWithSchema, type ReadJsonFileOptions } from './io/read-json-file.js';
export { resolveInside, type SafePathLocation } from './io/safe-path.js';
export * from './layers/module.js';
export * from './layers/init.js';
export * from './layers/linear.js';
export * from './layers/activations.js';
export * from './layers/mlp.js';
export * from './layers/batch-norm.js';
export * from './layers/layer-norm.js';
export * from './layers/dropout.js';
export * from './layers/embedding.js';
export * from './optim/adam.js';
export * from './optim/adam-update-kernel.js';
export * from './optim/gradients.js';
export { DivergenceError, DivergenceGuard, type DivergenceCheck, type DivergenceEvent, type DivergenceGuardOptions, type DivergencePolicy } from './optim/divergence-guard.js';
export * from './layers/multi-head-attention.js';
export * from './config/parse-config.js';
export * from './config/nearest-name.js';
