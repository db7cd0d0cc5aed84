import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../backend-types.js';
import { defineKernel, input, type KernelArgs, type SteerableKernelConfig } from '../kernel-config.js';
import { SIN_COS_WASM, SIN_COS_WASM_SHARED } from './sin-cos-simd-bytes.js';
import { type HeapBackend, type KernelsOf, simdModule } from './simd-module.js';

/** The export of wasm-src/sin-cos.wat; pointers are byte offsets into the imported heap. */
export interface SinCosKernels {
  /** sin (phase 0) or cos (phase 1) of the first count - count % 4 floats; returns how many had |x| > 8192 or NaN. */
  sinCos(x: number, out: number, count: number, phase: number): number;
}

const sinCosModule = simdModule<SinCosKernels>({ unshared: SIN_COS_WASM, shared: SIN_COS_WASM_SHARED });

/** The kernels over a memory, or null where the engine cannot run them. */
export const sinCosSimdKernels = sinCosModule.over;
export type SinCosKernelsOf = KernelsOf<SinCosKernels>;
export const sinCosKernelsOf: SinCosKernelsOf = sinCosModule.ofBackend;

const LIMIT = 8192;

/**
 * out = sin(x) (phase 0) or cos(x) (phase 1) through the module, the inputs it leaves (the last
 * count % 4, |x| > 8192, NaN) by Math.sin / Math.cos.
 */
export function sinCosOnHeap(kernels: SinCosKernels, x: Float32Array, out: Float32Array, phase: 0 | 1): void {
  const exact = phase === 0 ? Math.sin : Math.cos;
  const bad = kernels.sinCos(x.byteOffset, out.byteOffset, x.length, phase);
  const first = bad > 0 ? 0 : x.length - (x.length % 4);
  for (let i = first; i < x.length; i++) if (i >= x.length - (x.length % 4) || !(Math.abs(x[i]!) <= LIMIT)) out[i] = exact(x[i]!);
}

/**
 * Sin and Cos of float32 tensors through wasm-src/sin-cos.wat (a transformer's sinusoidal position
 * signal: USE-lite's [4096, 128] took stock tfjs-wasm 25-30 ms each, this 1.5 ms), within 1e-7 of
 * Math.sin / Math.cos of the float32 input. Other dtypes, and engines without wasm SIMD, keep the
 * stock kernels.
 */
function sinCosConfig(kernelName: typeof tf.Sin | typeof tf.Cos, kernelsOf: SinCosKernelsOf): SteerableKernelConfig | null {
  const stock = tf.getKernel(kernelName, 'wasm');
  if (!stock) return null;
  const phase = kernelName === tf.Sin ? 0 : 1;
  return defineKernel<WasmBackend & HeapBackend>({
    kernelName,
    backendName: 'wasm',
    overrides: true,
    ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    kernelFunc: ({ inputs, backend, attrs }: KernelArgs<WasmBackend & HeapBackend>) => {
      const x = input(inputs, 'x');
      const kernels = x.dtype === 'float32' ? kernelsOf(backend) : null;
      if (!kernels) return stock.kernelFunc({ inputs, backend: backend as unknown as tf.KernelBackend, attrs: attrs ?? {} }) as tf.TensorInfo;
      // Allocate before taking heap views: an allocation may grow the heap and detach older views.
      const out = backend.makeOutput([...x.shape], 'float32');
      sinCosOnHeap(kernels, backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(out) as Float32Array, phase);
      return out;
    },
  });
}

export function wasmSinCosConfigs(kernelsOf: SinCosKernelsOf = sinCosKernelsOf): SteerableKernelConfig[] {
  return ([tf.Sin, tf.Cos] as const).map((name) => sinCosConfig(name, kernelsOf)).filter((c): c is SteerableKernelConfig => c !== null);
}
