import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../backend-types.js';
import { defineKernel, input, type KernelArgs, type SteerableKernelConfig } from '../kernel-config.js';
import { type ColumnSumsKernelsOf, columnSumsKernelsOf } from './column-sums-simd.js';
import type { HeapBackend } from './simd-module.js';

/** x viewed as [outer, reduced, inner]: the reduction sums the middle axis. */
export interface OuterReduction {
  outer: number;
  reduced: number;
  inner: number;
  outShape: number[];
}

/**
 * Sum and Mean over a block of consecutive axes that leaves the last axis (axis 0 of [rows, H]:
 * every bias gradient and BatchNorm's moments; axis 1 of [B, N, H]: the gradient of a per-task
 * vector broadcast over N options) as one pass over rows on the wasm heap. Stock tfjs-wasm reduces
 * only innermost axes, so it transposes the whole input first ([2560, 256] for each of the 14 bias
 * gradients of the NP-BTL step). Row after row needs no transpose and reads memory in order. The
 * sums run in wasm-src/column-sums.wat (16 columns down all rows in float64: 0.15 ms for [2560, 256]
 * against 1.5 for the JS loop, which remains for engines without SIMD). Other reductions
 * (innermost axes, all axes, non-float32) go to the stock kernel.
 */
function outerAxesReduce(kernelName: typeof tf.Sum | typeof tf.Mean, kernelsOf: ColumnSumsKernelsOf): SteerableKernelConfig | null {
  const stock = tf.getKernel(kernelName, 'wasm');
  if (!stock) return null;
  return defineKernel<WasmBackend & HeapBackend>({
    kernelName,
    backendName: 'wasm',
    overrides: true,
    kernelFunc: ({ inputs, backend, attrs }: KernelArgs<WasmBackend & HeapBackend>) => {
      const x = input(inputs, 'x');
      const plan = x.dtype === 'float32' ? outerReduction(x.shape, attrs?.['axis'] as number | number[] | undefined, Boolean(attrs?.['keepDims'])) : null;
      if (!plan) return stock.kernelFunc({ inputs, backend: backend as unknown as tf.KernelBackend, attrs: attrs ?? {} }) as tf.TensorInfo;
      // Allocate before taking heap views: an allocation may grow the heap and detach older views.
      const out = backend.makeOutput(plan.outShape, 'float32');
      const scale = kernelName === tf.Mean ? 1 / plan.reduced : 1;
      const xs = backend.typedArrayFromHeap(x) as Float32Array;
      const sums = backend.typedArrayFromHeap(out) as Float32Array;
      const kernels = kernelsOf(backend);
      if (!kernels) {
        sumMiddleAxis(xs, plan, scale, sums);
        return out;
      }
      const { outer, reduced, inner } = plan;
      for (let o = 0; o < outer; o++) kernels.columnSums(xs.byteOffset + o * reduced * inner * 4, reduced, inner, scale, sums.byteOffset + o * inner * 4);
      return out;
    },
  });
}

/** out[o, j] = scale * sum_r x[o, r, j], accumulated in float64 four rows at a time. */
export function sumMiddleAxis(x: Float32Array, { outer, reduced, inner }: OuterReduction, scale: number, out: Float32Array): void {
  const sums = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    sums.fill(0);
    const start = o * reduced * inner;
    let r = 0;
    for (; r + 4 <= reduced; r += 4) {
      const b0 = start + r * inner;
      const b1 = b0 + inner;
      const b2 = b1 + inner;
      const b3 = b2 + inner;
      for (let j = 0; j < inner; j++) sums[j]! += x[b0 + j]! + x[b1 + j]! + x[b2 + j]! + x[b3 + j]!;
    }
    for (; r < reduced; r++) {
      const base = start + r * inner;
      for (let j = 0; j < inner; j++) sums[j]! += x[base + j]!;
    }
    const target = o * inner;
    for (let j = 0; j < inner; j++) out[target + j] = sums[j]! * scale;
  }
}

/**
 * The [outer, reduced, inner] view when `axis` is a block of consecutive axes that excludes the
 * last axis; null for anything else (stock handles it).
 */
export function outerReduction(shape: readonly number[], axis: number | number[] | undefined, keepDims: boolean): OuterReduction | null {
  if (axis === undefined || shape.length < 2 || shape.some((d) => d === 0)) return null;
  const axes = [...new Set(tf.util.parseAxisParam(axis, [...shape]))].sort((a, b) => a - b);
  const first = axes[0];
  const last = axes.at(-1);
  if (first === undefined || last === undefined || last >= shape.length - 1) return null;
  if (!axes.every((a, i) => a === first + i)) return null;
  const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
  const outShape = keepDims ? shape.map((d, i) => (i >= first && i <= last ? 1 : d)) : shape.filter((_, i) => i < first || i > last);
  return { outer: product(shape.slice(0, first)), reduced: product(shape.slice(first, last + 1)), inner: product(shape.slice(last + 1)), outShape };
}

/** Sum and Mean over outer/middle axes without a transpose. */
export function wasmOuterAxesReduceConfigs(kernelsOf: ColumnSumsKernelsOf = columnSumsKernelsOf): SteerableKernelConfig[] {
  return ([tf.Sum, tf.Mean] as const).map((name) => outerAxesReduce(name, kernelsOf)).filter((c): c is SteerableKernelConfig => c !== null);
}
