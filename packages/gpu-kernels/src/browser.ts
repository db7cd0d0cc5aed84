// The browser build of @steerable/gpu-kernels (package.json `exports` condition `browser`): the
// ops, kernel names and kernel registration, without initBackend, which finds and loads backend
// packages from node_modules. A page picks its backend itself (tf.setBackend('wasm') after
// setWasmPaths), then may call registerSteerableKernels('wasm'). Without a shared heap (a page
// that is not cross-origin isolated) the wasm kernels run on the page's thread alone.
export { BACKEND_NAMES, AUTO_BACKEND_ORDER, BACKEND_PACKAGES, isBackendName, type BackendName } from './runtime/backend-names.js';
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
