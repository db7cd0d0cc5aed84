import * as tf from '@tensorflow/tfjs';
import { AdamUpdate, type AdamUpdateAttrs } from '@steerable/core';
import type { WasmBackend } from '../backend-types.js';
import { defineKernel, input } from '../kernel-config.js';
import { adamUpdateImpl } from '../shared/adam-update-impl.js';

/**
 * Above this many elements the stock wasm kernels' SIMD and threads beat one scalar JS loop, and
 * their per-call overhead no longer matters (measured: the JS loop wins at 4k elements, loses 3x
 * at 64k; a 256-element bias is 14x faster fused).
 */
export const ADAM_UPDATE_JS_MAX_SIZE = 8192;

/**
 * Core's fused Adam step on tfjs-backend-wasm. Small parameters (biases, norms, heads: most of a
 * model's parameters by count) run one JS loop over zero-copy heap views instead of thirteen
 * kernel calls; large ones run the same thirteen stock kernels as Adam's composite, called
 * directly, so the engine sees one kernel and no scalar uploads either way.
 */
export const adamUpdateWasmConfig = defineKernel<WasmBackend>({
  kernelName: AdamUpdate,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const param = input(inputs, 'param');
    const adamAttrs = attrs as unknown as AdamUpdateAttrs;
    const size = param.shape.reduce((a, b) => a * b, 1);
    if (size > ADAM_UPDATE_JS_MAX_SIZE) return stockKernelUpdate(inputs, backend, adamAttrs);
    // Allocate the outputs before taking any heap view: an allocation may grow the heap and
    // detach views taken earlier.
    const outs = [0, 1, 2].map(() => backend.makeOutput(param.shape, 'float32'));
    const [outParam, outM, outV] = outs.map((o) => backend.typedArrayFromHeap(o) as Float32Array);
    const gradScale = inputs.gradScale ? backend.typedArrayFromHeap(inputs.gradScale)[0]! : 1;
    const view = (name: string) => backend.typedArrayFromHeap(input(inputs, name));
    adamUpdateImpl(view('param'), view('grad'), view('m'), view('v'), gradScale, adamAttrs, outParam!, outM!, outV!);
    return outs;
  },
});

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
