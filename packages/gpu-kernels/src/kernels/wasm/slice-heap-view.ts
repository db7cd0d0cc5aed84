import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../backend-types.js';
import { defineKernel, input, type KernelArgs, type SteerableKernelConfig } from '../kernel-config.js';

/**
 * Slice and SplitV that read the input where it lives on the heap. Stock tfjs-wasm's Slice starts
 * with backend.readSync(x), a copy of the whole input, for every slice: SplitV of a [8192, 256]
 * weight into halves copied 8M floats to produce 2M (7.3 ms against 0.8 ms here), and the
 * backward pass of every concat is such slices. The copy here is the selected elements only, in
 * contiguous runs as long as the slice allows (the trailing axes it takes whole are one run).
 * String and complex tensors keep the stock kernels.
 */

/** Copies the [begin, begin + size) box of x (row-major, shape xShape) into out, densely. */
export function copyBox(x: tf.TypedArray, xShape: readonly number[], begin: readonly number[], size: readonly number[], out: tf.TypedArray): void {
  const rank = xShape.length;
  if (size.some((s) => s === 0)) return;
  if (rank === 0) {
    out[0] = x[0]!;
    return;
  }
  // The innermost axis not taken whole: everything from it inward is one run per outer index.
  let runAxis = rank - 1;
  while (runAxis > 0 && begin[runAxis] === 0 && size[runAxis] === xShape[runAxis]) runAxis--;
  const strides = tf.util.computeStrides([...xShape]);
  const stride = (axis: number) => (axis === rank - 1 ? 1 : strides[axis]!);
  const run = size[runAxis]! * stride(runAxis);
  const outer = size.slice(0, runAxis);
  const index = outer.map(() => 0);
  let outOffset = 0;
  for (;;) {
    let offset = begin[runAxis]! * stride(runAxis);
    for (let axis = 0; axis < runAxis; axis++) offset += (begin[axis]! + index[axis]!) * stride(axis);
    out.set(x.subarray(offset, offset + run), outOffset);
    outOffset += run;
    // Next outer index, last axis fastest.
    let axis = runAxis - 1;
    while (axis >= 0 && ++index[axis]! === outer[axis]) index[axis--] = 0;
    if (axis < 0) return;
  }
}

// Dtypes stored as one plain typed array on the heap (strings and complex numbers are not).
const HEAP_DTYPES = new Set<tf.DataType>(['float32', 'int32', 'bool']);

function sliceFromHeap(x: tf.TensorInfo, begin: number[], size: number[], backend: WasmBackend): tf.TensorInfo {
  // Allocate before taking heap views: an allocation may grow the heap and detach older views.
  const out = backend.makeOutput(size, x.dtype);
  copyBox(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
}

export function wasmSliceConfigs(): SteerableKernelConfig[] {
  const stockSlice = tf.getKernel(tf.Slice, 'wasm');
  const stockSplit = tf.getKernel(tf.SplitV, 'wasm');
  if (!stockSlice || !stockSplit) return [];
  const stock = (config: tf.KernelConfig, args: KernelArgs<WasmBackend>) =>
    config.kernelFunc({ inputs: args.inputs, backend: args.backend as unknown as tf.KernelBackend, attrs: args.attrs ?? {} });
  return [
    defineKernel<WasmBackend>({
      kernelName: tf.Slice,
      backendName: 'wasm',
      overrides: true,
      kernelFunc: (args) => {
        const x = input(args.inputs, 'x');
        if (!HEAP_DTYPES.has(x.dtype)) return stock(stockSlice, args);
        const [begin, size] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, args.attrs!['begin'] as number[], args.attrs!['size'] as number[]) as [
          number[],
          number[],
        ];
        return sliceFromHeap(x, begin, size, args.backend);
      },
    }),
    defineKernel<WasmBackend>({
      kernelName: tf.SplitV,
      backendName: 'wasm',
      overrides: true,
      kernelFunc: (args) => {
        const x = input(args.inputs, 'x');
        if (!HEAP_DTYPES.has(x.dtype)) return stock(stockSplit, args);
        const axis = tf.util.parseAxisParam(args.attrs!['axis'] as number, x.shape)[0]!;
        const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, args.attrs!['numOrSizeSplits'] as number[] | number, axis);
        const begin = x.shape.map(() => 0);
        return sizes.map((s) => {
          const size = [...x.shape];
          size[axis] = s;
          const piece = sliceFromHeap(x, begin, size, args.backend);
          begin[axis]! += s;
          return piece;
        });
      },
    }),
  ];
}
