import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../backend-types.js';
import { defineKernel, input, type KernelArgs, type SteerableKernelConfig } from '../kernel-config.js';
import { type MatrixOpsOf, matrixOpsOf, type HeapMatrixOps } from './matrix-simd.js';
import type { HeapBackend } from './simd-module.js';

export type MatrixWasmBackend = WasmBackend & HeapBackend;

/** Whether `perm` keeps every axis but the last two, which it swaps. */
export function swapsLastTwo(perm: readonly number[]): boolean {
  const rank = perm.length;
  if (rank < 2 || perm[rank - 2] !== rank - 1 || perm[rank - 1] !== rank - 2) return false;
  for (let i = 0; i < rank - 2; i++) if (perm[i] !== i) return false;
  return true;
}

/** [..., R, C] -> [..., C, R] for a float32 tensor on the wasm heap, as a new backend tensor. */
export function transposeLastTwo(x: tf.TensorInfo, backend: MatrixWasmBackend, ops: HeapMatrixOps): tf.TensorInfo {
  const rank = x.shape.length;
  const rows = x.shape[rank - 2]!;
  const cols = x.shape[rank - 1]!;
  const outShape = [...x.shape.slice(0, rank - 2), cols, rows];
  // Allocate before taking heap views: an allocation may grow the heap and detach older views.
  const out = backend.makeOutput(outShape, 'float32');
  const size = tf.util.sizeFromShape(x.shape);
  if (size === 0) return out;
  const source = backend.typedArrayFromHeap(x) as Float32Array;
  const target = backend.typedArrayFromHeap(out) as Float32Array;
  // With a unit axis the memory order is unchanged.
  if (rows === 1 || cols === 1) target.set(source);
  else ops.transpose(source, target, size / (rows * cols), rows, cols);
  return out;
}

/**
 * Transpose of the last two axes of float32 tensors (tf.transpose of a matrix or of a batch of
 * matrices): stock tfjs-wasm's generic kernel took 2.8-3.0 ms at [2560, 256] and 18-20 ms at
 * [1280, 4096] (2 threads, this package's bench machine), the SIMD 4x4 block transpose of
 * wasm-src/matrix.wat 0.34-0.45 and 5.0-5.8 ms. Other permutations and dtypes go to the stock
 * kernel.
 */
export function wasmTransposeConfig(opsOf: MatrixOpsOf = matrixOpsOf): SteerableKernelConfig | null {
  const stock = tf.getKernel(tf.Transpose, 'wasm');
  if (!stock) return null;
  return defineKernel<MatrixWasmBackend>({
    kernelName: tf.Transpose,
    backendName: 'wasm',
    overrides: true,
    kernelFunc: ({ inputs, backend, attrs }: KernelArgs<MatrixWasmBackend>) => {
      const x = input(inputs, 'x');
      const perm = attrs?.['perm'] as number[] | undefined;
      if (x.dtype !== 'float32' || !perm || !swapsLastTwo(perm) || perm.length !== x.shape.length) {
        return stock.kernelFunc({ inputs, backend: backend as unknown as tf.KernelBackend, attrs: attrs ?? {} }) as tf.TensorInfo;
      }
      return transposeLastTwo(x, backend, opsOf(backend));
    },
  });
}
