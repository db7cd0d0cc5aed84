// Everything this package exports. Importing it registers nothing: kernels are registered by
// initBackend (or registerSteerableKernels), gradients with them.
export { BACKEND_NAMES, AUTO_BACKEND_ORDER, BACKEND_PACKAGES, isBackendName, type BackendName } from './runtime/backend-names.js';
export { initBackend, availableBackends, activeBackend, type InitBackendOptions, type BackendInfo, type BackendAttempt } from './runtime/init-backend.js';
export { installedVersion } from './runtime/package-probe.js';
export { registerSteerableKernels, unregisterSteerableKernels, steerableKernelsRegistered, steerableKernelConfigs } from './register-all-kernels.js';
export type { SteerableKernelConfig } from './kernels/kernel-config.js';
export {
  SteerableSequenceLogProbs,
  SteerableSequenceLogProbsGrad,
  SteerablePairwiseLoss,
  SteerablePairwiseLossGrad,
  SteerableSetAttentionPool,
  SteerableSetAttentionPoolGrad,
  STEERABLE_KERNEL_NAMES,
  type SequenceLogProbsInputs,
  type SequenceLogProbsGradInputs,
  type PairwiseLossInputs,
  type PairwiseLossAttrs,
  type PairwiseLossGradInputs,
  type SetAttentionPoolInputs,
  type SetAttentionPoolGradInputs,
} from './kernel-names.js';
export { sequenceLogProbs, sequenceLogProbsComposite } from './ops/sequence-log-probs.js';
export { pairwiseLoss, pairwiseLossComposite } from './ops/pairwise-loss.js';
export { setAttentionPool, setAttentionPoolComposite } from './ops/set-attention-pool.js';
export { resetFallbackWarnings } from './ops/fallback.js';
