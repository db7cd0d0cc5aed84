import { wasmKernel } from '../shared/js-kernel.js';
import { JS_KERNELS } from '../shared/js-kernels.js';
import { sequenceLogProbsWasmConfigs } from './sequence-log-probs.js';

const SIMD_KERNELS = sequenceLogProbsWasmConfigs();
const simdNames = new Set(SIMD_KERNELS.map((c) => c.kernelName));

/**
 * The fused kernels on wasm: the shared JS implementations over zero-copy heap views (no C++
 * build; V8 compiles these loops well, and the data never leaves the heap), except the sequence
 * log-probabilities, whose exp-bound loops run in a hand-written SIMD module over the same heap
 * (wasm-src/sequence-log-probs.wat), falling back to JS where SIMD is missing.
 */
export const wasmFusedConfigs = [...JS_KERNELS.filter((k) => !simdNames.has(k.kernelName)).map(wasmKernel), ...SIMD_KERNELS];
