import type { AdamConstants } from '../shared/adam-update-impl.js';
import { ADAM_WASM, ADAM_WASM_SHARED } from './adam-simd-bytes.js';
import { simdModule } from './simd-module.js';

/** The export of wasm-src/adam.wat; pointers are byte offsets into the imported heap. */
export interface AdamSimdKernels {
  adamUpdate(
    param: number,
    grad: number,
    m: number,
    v: number,
    outParam: number,
    outM: number,
    outV: number,
    count: number,
    gradScale: number,
    coupledDecay: number,
    decoupledDecay: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    biasCorrection2: number,
    eps: number,
    stepSize: number,
  ): void;
}

const adamModule = simdModule<AdamSimdKernels>({ unshared: ADAM_WASM, shared: ADAM_WASM_SHARED });

/** The SIMD kernel over `memory`, or null where the engine cannot run it. */
export const adamSimdKernels = adamModule.over;

/** The SIMD kernel over a backend's heap, or null where it cannot run there. */
export const adamKernelsOf = adamModule.ofBackend;

/**
 * adamUpdateImpl's step by the SIMD module, bit-equal to it. The arrays must be views of the heap
 * the kernels were instantiated over: their byteOffsets are the pointers.
 */
export function adamUpdateSimd(
  kernels: AdamSimdKernels,
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  c: AdamConstants,
  outParam: Float32Array,
  outM: Float32Array,
  outV: Float32Array,
): void {
  // When not clipping, `scale` is exactly 1, which the module multiplies by: x * 1 is x.
  kernels.adamUpdate(
    param.byteOffset,
    grad.byteOffset,
    m.byteOffset,
    v.byteOffset,
    outParam.byteOffset,
    outM.byteOffset,
    outV.byteOffset,
    outParam.length,
    c.scale,
    c.coupledDecay,
    c.decoupledDecay,
    c.beta1,
    c.oneMinusBeta1,
    c.beta2,
    c.oneMinusBeta2,
    c.biasCorrection2,
    c.eps,
    c.stepSize,
  );
}
