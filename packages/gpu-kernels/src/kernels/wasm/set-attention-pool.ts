import type * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../backend-types.js';
import { defineKernel, input, type KernelArgs, type SteerableKernelConfig } from '../kernel-config.js';
import { wasmKernel } from '../shared/js-kernel.js';
import { setAttentionPoolGradJs, setAttentionPoolJs } from '../shared/js-kernels.js';
import { SET_ATTENTION_POOL_WASM, SET_ATTENTION_POOL_WASM_SHARED } from './set-attention-pool-simd-bytes.js';
import { type HeapBackend, type KernelsOf, simdModule } from './simd-module.js';

/**
 * The exports of wasm-src/set-attention-pool.wat. Pointers are byte offsets into the heap the
 * module was instantiated over; q, k, v are [groups, n, d], the mask [groups, n, n], out and dy
 * [groups, d]; d must be a multiple of 4. `scratch` is setAttentionPoolScratchFloats(n) floats.
 */
export interface SetAttentionPoolSimdKernels {
  forward(q: number, k: number, v: number, mask: number, out: number, scratch: number, groups: number, n: number, d: number): void;
  gradient(
    dy: number,
    q: number,
    k: number,
    v: number,
    mask: number,
    dq: number,
    dk: number,
    dv: number,
    scratch: number,
    groups: number,
    n: number,
    d: number,
  ): void;
}

/** The module's working floats: a block's n vectors of P (four rows each), then w and a (whole vectors). */
export const setAttentionPoolScratchFloats = (n: number) => 4 * n + 2 * (Math.ceil(n / 4) * 4);

/**
 * Shapes the SIMD module takes: whole f32x4 vectors along d (head dims are multiples of 4 in
 * practice; the rest keep the JS kernel rather than a scalar copy of every loop in the module),
 * and something to compute (empty tensors go to the JS kernel, which handles them already).
 */
export const simdTakesShape = (g: number, n: number, d: number) => g > 0 && n > 0 && d > 0 && d % 4 === 0;

const setAttentionPoolModule = simdModule<SetAttentionPoolSimdKernels>({ unshared: SET_ATTENTION_POOL_WASM, shared: SET_ATTENTION_POOL_WASM_SHARED });

/** The SIMD kernels over `memory`, or null where the engine cannot run them. */
export const setAttentionPoolSimdKernels = setAttentionPoolModule.over;

export type SetAttentionPoolKernelsOf = KernelsOf<SetAttentionPoolSimdKernels>;

/** The SIMD kernels over the backend's heap, or null where they cannot run (the JS kernels run then). */
export const setAttentionPoolKernelsOf = setAttentionPoolModule.ofBackend;

type WasmBackendWithHeap = WasmBackend & HeapBackend;
type KernelFunc = (args: KernelArgs<WasmBackendWithHeap>) => tf.TensorInfo | tf.TensorInfo[];

const jsForward = wasmKernel(setAttentionPoolJs).kernelFunc as unknown as KernelFunc;
const jsGradient = wasmKernel(setAttentionPoolGradJs).kernelFunc as unknown as KernelFunc;
const shapeOf = (info: tf.TensorInfo) => info.shape as [number, number, number];

/**
 * Runs `compute` with a scratch buffer of the module's size on the heap, freed afterwards. The
 * caller has allocated its outputs; the scratch is allocated before `compute` takes any view.
 */
function withScratch(backend: WasmBackendWithHeap, n: number, compute: (scratch: number) => void): void {
  const scratch = backend.makeOutput([setAttentionPoolScratchFloats(n)], 'float32');
  try {
    compute(backend.typedArrayFromHeap(scratch).byteOffset);
  } finally {
    backend.disposeData(scratch.dataId);
  }
}

/**
 * SteerableSetAttentionPool and its gradient on wasm: the SIMD module where `kernelsOf` finds it
 * and the shape suits it, else the shared JS kernels over heap views.
 */
export function setAttentionPoolWasmConfigs(kernelsOf: SetAttentionPoolKernelsOf = setAttentionPoolKernelsOf): SteerableKernelConfig[] {
  const forward = defineKernel<WasmBackendWithHeap>({
    kernelName: setAttentionPoolJs.kernelName,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { backend, inputs } = args;
      const [q, k, v, mask] = ['q', 'k', 'v', 'weightsMask'].map((name) => input(inputs, name)) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
      const [g, n, d] = shapeOf(q);
      const kernels = simdTakesShape(g, n, d) ? kernelsOf(backend) : null;
      if (!kernels) return jsForward(args);
      // Outputs and scratch before any heap view: an allocation may grow the heap and detach views.
      const out = backend.makeOutput([g, d], 'float32');
      const at = (info: tf.TensorInfo) => backend.typedArrayFromHeap(info).byteOffset;
      withScratch(backend, n, (scratch) => kernels.forward(at(q), at(k), at(v), at(mask), at(out), scratch, g, n, d));
      return out;
    },
  });
  const gradient = defineKernel<WasmBackendWithHeap>({
    kernelName: setAttentionPoolGradJs.kernelName,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { backend, inputs } = args;
      const [dy, q, k, v, mask] = ['dy', 'q', 'k', 'v', 'weightsMask'].map((name) => input(inputs, name)) as tf.TensorInfo[];
      const [g, n, d] = shapeOf(q!);
      const kernels = simdTakesShape(g, n, d) ? kernelsOf(backend) : null;
      if (!kernels) return jsGradient(args);
      const [dq, dk, dv] = [0, 1, 2].map(() => backend.makeOutput([g, n, d], 'float32')) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
      const at = (info: tf.TensorInfo) => backend.typedArrayFromHeap(info).byteOffset;
      withScratch(backend, n, (scratch) => kernels.gradient(at(dy!), at(q!), at(k!), at(v!), at(mask!), at(dq), at(dk), at(dv), scratch, g, n, d));
      return [dq, dk, dv];
    },
  });
  return [forward, gradient];
}
