import { SEQUENCE_LOG_PROBS_WASM, SEQUENCE_LOG_PROBS_WASM_SHARED } from './sequence-log-probs-simd-bytes.js';
import { simdModule } from './simd-module.js';

/**
 * The row kernels of wasm-src/sequence-log-probs.wat, instantiated over tfjs-backend-wasm's own
 * memory: pointers are byte offsets into that heap, so tensors are read and written in place.
 */
export interface SequenceLogProbsRowKernels {
  /** Largest of `count` floats at byte offset `ptr`. */
  rowMax(ptr: number, count: number): number;
  /** sum of exp(x - shift) over `count` floats at `ptr`, accumulated in float64. */
  rowSumExp(ptr: number, count: number, shift: number): number;
  /** out[i] = scale * exp(x[i] - shift) for `count` floats. */
  rowScaledExp(ptr: number, out: number, count: number, shift: number, scale: number): void;
}

const sequenceLogProbsModule = simdModule<SequenceLogProbsRowKernels>({ unshared: SEQUENCE_LOG_PROBS_WASM, shared: SEQUENCE_LOG_PROBS_WASM_SHARED });

/** The compiled module for a shared or unshared memory; null where the engine cannot run it. */
export const compiledSequenceLogProbsModule = sequenceLogProbsModule.compiled;

/** The SIMD row kernels over `memory`, or null where they cannot run. */
export const sequenceLogProbsRowKernels = sequenceLogProbsModule.over;
