import * as tf from '@tensorflow/tfjs';
import type { TypedArray, WasmBackend } from '../backend-types.js';
import { defineKernel, input, type KernelArgs, type SteerableKernelConfig } from '../kernel-config.js';

/**
 * GatherV2 (tf.gather) as one copy per gathered slice. Stock tfjs-wasm's Gather walks every
 * element through its strides: looking up 4096 rows of USE-lite's [8002, 256] embedding took it
 * 49-71 ms (one thread), a copy of each 1 KiB row about 0.5 ms. Indices are checked as the stock kernel
 * checks them (the same error). Batched gathers (batchDims > 0) and string tensors go to the
 * stock kernel.
 */

// Dtypes stored as one plain typed array on the heap (strings and complex numbers are not).
const HEAP_DTYPES = new Set<tf.DataType>(['float32', 'int32', 'bool']);
// Slices shorter than this are copied element by element (a subarray per slice costs more).
const SHORT_SLICE = 16;

/**
 * out[o, i, :] = x[o, indices[i], :] for x viewed as [outer, axisSize, inner]. Views of one heap
 * copy through copyWithin on a view of all of it (half the time of a subarray and set per slice).
 */
export function gatherSlices(x: TypedArray, indices: TypedArray, outer: number, axisSize: number, inner: number, out: TypedArray): void {
  const count = indices.length;
  const sameHeap = x.buffer === out.buffer && x.constructor === out.constructor && inner >= SHORT_SLICE;
  const heap = sameHeap ? new (x.constructor as new (buffer: ArrayBufferLike) => TypedArray)(x.buffer) : out;
  const xAt = sameHeap ? x.byteOffset / x.BYTES_PER_ELEMENT : 0;
  const outAt = sameHeap ? out.byteOffset / out.BYTES_PER_ELEMENT : 0;
  for (let o = 0; o < outer; o++) {
    const from = o * axisSize * inner;
    const to = o * count * inner;
    for (let i = 0; i < count; i++) {
      const source = from + indices[i]! * inner;
      const target = to + i * inner;
      if (sameHeap) heap.copyWithin(outAt + target, xAt + source, xAt + source + inner);
      else if (inner >= SHORT_SLICE) out.set(x.subarray(source, source + inner), target);
      else for (let j = 0; j < inner; j++) out[target + j] = x[source + j]!;
    }
  }
}

export function wasmGatherConfig(): SteerableKernelConfig | null {
  const stock = tf.getKernel(tf.GatherV2, 'wasm');
  if (!stock) return null;
  return defineKernel<WasmBackend>({
    kernelName: tf.GatherV2,
    backendName: 'wasm',
    overrides: true,
    ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    kernelFunc: ({ inputs, backend, attrs }: KernelArgs<WasmBackend>) => {
      const x = input(inputs, 'x');
      const indices = input(inputs, 'indices');
      const batchDims = (attrs?.['batchDims'] as number | undefined) ?? 0;
      if (batchDims !== 0 || !HEAP_DTYPES.has(x.dtype) || indices.dtype !== 'int32') {
        return stock.kernelFunc({ inputs, backend: backend as unknown as tf.KernelBackend, attrs: attrs ?? {} }) as tf.TensorInfo;
      }
      const axis = tf.util.parseAxisParam(attrs?.['axis'] as number, x.shape)[0]!;
      const axisSize = x.shape[axis]!;
      const ids = backend.typedArrayFromHeap(indices);
      for (let i = 0; i < ids.length; i++) {
        const index = ids[i]!;
        tf.util.assert(index <= axisSize - 1 && index >= 0, () => `GatherV2: the index value ${index} is not in [0, ${axisSize - 1}]`);
      }
      const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
      const out = backend.makeOutput(outShape, x.dtype);
      if (tf.util.sizeFromShape(outShape) === 0) return out;
      const outer = tf.util.sizeFromShape(x.shape.slice(0, axis));
      const inner = tf.util.sizeFromShape(x.shape.slice(axis + 1));
      // Views after the allocation: it may have grown the heap and detached older ones.
      gatherSlices(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(indices), outer, axisSize, inner, backend.typedArrayFromHeap(out));
      return out;
    },
  });
}
