import * as tf from '@tensorflow/tfjs';
import { AdamUpdate, type AdamUpdateAttrs } from '@steerable/core';
import type { WasmBackend } from '../backend-types.js';
import { defineKernel, input, type SteerableKernelConfig } from '../kernel-config.js';
import { adamConstants, adamUpdateImpl } from '../shared/adam-update-impl.js';
import { adamKernelsOf, type AdamSimdKernels, adamUpdateSimd } from './adam-simd.js';
import type { HeapBackend, KernelsOf } from './simd-module.js';

type AdamWasmBackend = WasmBackend & HeapBackend;

/**
 * Where the SIMD module cannot run: above this many elements the stock wasm kernels' SIMD and
 * threads beat one scalar JS loop, and their per-call overhead no longer matters (measured: the JS
 * loop wins at 4k elements, loses 3x at 64k; a 256-element bias is 14x faster fused).
 */
export const ADAM_UPDATE_JS_MAX_SIZE = 8192;

export type AdamKernelsOf = KernelsOf<AdamSimdKernels>;

const FLOAT_INPUTS = ['param', 'grad', 'm', 'v'] as const;

/**
 * Core's fused Adam step on tfjs-backend-wasm, one kernel per parameter so the engine sees no
 * scalar uploads. Float32 parameters of every size go through the SIMD module (wasm-src/adam.wat),
 * one pass bit-equal to the JS loop: per call, 3.3 ms against the stock kernels' 17.2 at
 * [8192, 256] and 1.6 against 8.1 at [4096, 256]; 0.027 ms against the JS loop's 0.21 at 8k
 * elements, and no slower down to 1 element, where the engine's per-call cost is all there is
 * (2 threads, scripts/bench/adam-update.mjs, BENCHMARKS.md). Without the module (an engine
 * without wasm SIMD) small parameters run the JS loop over zero-copy heap views and large ones the
 * thirteen stock kernels of Adam's composite, called directly.
 */
export function adamUpdateWasmKernel(kernelsOf: AdamKernelsOf = adamKernelsOf): SteerableKernelConfig {
  return defineKernel<AdamWasmBackend>({
    kernelName: AdamUpdate,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const param = input(inputs, 'param');
      const adamAttrs = attrs as unknown as AdamUpdateAttrs;
      const size = tf.util.sizeFromShape(param.shape);
      const kernels = FLOAT_INPUTS.every((name) => input(inputs, name).dtype === 'float32') ? kernelsOf(backend) : null;
      if (!kernels && size > ADAM_UPDATE_JS_MAX_SIZE) return stockKernelUpdate(inputs, backend, adamAttrs);
      // Allocate the outputs before taking any heap view: an allocation may grow the heap and
      // detach views taken earlier.
      const outs = [0, 1, 2].map(() => backend.makeOutput(param.shape, 'float32'));
      if (size === 0) return outs;
      const [outParam, outM, outV] = outs.map((o) => backend.typedArrayFromHeap(o) as Float32Array) as [Float32Array, Float32Array, Float32Array];
      const gradScale = inputs.gradScale ? backend.typedArrayFromHeap(inputs.gradScale)[0]! : 1;
      const view = (name: string) => backend.typedArrayFromHeap(input(inputs, name));
      if (kernels) {
        const [p, g, m, v] = FLOAT_INPUTS.map((name) => view(name) as Float32Array) as [Float32Array, Float32Array, Float32Array, Float32Array];
        adamUpdateSimd(kernels, p, g, m, v, adamConstants(gradScale, adamAttrs), outParam, outM, outV);
      } else {
        adamUpdateImpl(view('param'), view('grad'), view('m'), view('v'), gradScale, adamAttrs, outParam, outM, outV);
      }
      return outs;
    },
  });
}

export const adamUpdateWasmConfig = adamUpdateWasmKernel();

/** Adam's composite (packages/core/src/optim/adam.ts), op for op, on the backend's own kernels. */
function stockKernelUpdate(inputs: tf.NamedTensorInfoMap, backend: WasmBackend, attrs: AdamUpdateAttrs): tf.TensorInfo[] {
  const { lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay, biasCorrection1, biasCorrection2 } = attrs;
  const temporaries: tf.TensorInfo[] = [];
  const temporary = (info: tf.TensorInfo) => {
    temporaries.push(info);
    return info;
  };
  const scalar = (value: number) => {
    const info = temporary(backend.makeOutput([], 'float32'));
    backend.typedArrayFromHeap(info)[0] = value;
    return info;
  };
  const run = (kernelName: string, kernelInputs: tf.NamedTensorInfoMap) =>
    tf.getKernel(kernelName, 'wasm')!.kernelFunc({ inputs: kernelInputs, backend: backend as unknown as tf.KernelBackend, attrs: {} }) as tf.TensorInfo;
  const mul = (a: tf.TensorInfo, b: tf.TensorInfo) => temporary(run(tf.Multiply, { a, b }));
  const add = (a: tf.TensorInfo, b: tf.TensorInfo) => temporary(run(tf.Add, { a, b }));
  const sub = (a: tf.TensorInfo, b: tf.TensorInfo) => temporary(run(tf.Sub, { a, b }));
  const div = (a: tf.TensorInfo, b: tf.TensorInfo) => temporary(run(tf.RealDiv, { a, b }));
  const sqrt = (x: tf.TensorInfo) => temporary(run(tf.Sqrt, { x }));

  const param = input(inputs, 'param');
  let g = input(inputs, 'grad');
  if (inputs.gradScale) g = mul(g, inputs.gradScale);
  if (weightDecay !== 0 && !decoupledWeightDecay) g = add(g, mul(param, scalar(weightDecay)));
  const m = add(mul(input(inputs, 'm'), scalar(beta1)), mul(g, scalar(1 - beta1)));
  const v = add(mul(input(inputs, 'v'), scalar(beta2)), mul(mul(g, g), scalar(1 - beta2)));
  const denom = add(sqrt(div(v, scalar(biasCorrection2))), scalar(eps));
  let next = sub(param, mul(div(m, denom), scalar(lr / biasCorrection1)));
  if (weightDecay !== 0 && decoupledWeightDecay) next = sub(next, mul(param, scalar(lr * weightDecay)));
  const outputs = [next, m, v];
  for (const info of temporaries) if (!outputs.includes(info)) backend.disposeData(info.dataId);
  return outputs;
}
