import { wasmKernel } from '../shared/js-kernel.js';
import { JS_KERNELS } from '../shared/js-kernels.js';
import { setAttentionPoolWasmConfigs } from './set-attention-pool.js';
import { sequenceLogProbsWasmConfigs } from './sequence-log-probs.js';

const SIMD_KERNELS = [...sequenceLogProbsWasmConfigs(), ...setAttentionPoolWasmConfigs()];
const simdNames = new Set(SIMD_KERNELS.map((c) => c.kernelName));

/**
 * The fused kernels on wasm: the shared JS implementations over zero-copy heap views (no C++
 * build; V8 compiles these loops well, and the data never leaves the heap), except the sequence
 * log-probabilities and the set-attention pooling, which run in hand-written SIMD modules over the
 * same heap (wasm-src/sequence-log-probs.wat, wasm-src/set-attention-pool.wat), falling back to
 * JS where SIMD is missing.
 */
export const wasmFusedConfigs = [...JS_KERNELS.filter((k) => !simdNames.has(k.kernelName)).map(wasmKernel), ...SIMD_KERNELS];
