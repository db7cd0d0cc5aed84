import * as tf from '@tensorflow/tfjs';
import { defineKernel, type KernelArgs, type SteerableKernelConfig } from '../kernel-config.js';
import { type HeapMatrixOps, type MatrixOpsOf, matrixOpsOf } from './matrix-simd.js';
import { type MatrixWasmBackend, transposeLastTwo } from './transpose-last-two.js';
import { type GemmRunner, gemmProduct, gemmRunner } from './gemm-product.js';
import { productShape } from './product-shape.js';
import { type SparseRowsRunner, sparseRowsProduct, sparseRowsRunner } from './sparse-rows-product.js';

/**
 * The wasm matmul. Float32 products go, in this order, to:
 * - matVec (wasm-src/matrix.wat) for a matrix times a vector (N = 1: A b; M = 1 with B
 *   transposed: a^T B^T = (B a)^T), one dot product per row of the matrix as stored: XNNPACK took
 *   0.27 ms for [2560, 256] x [256, 1] (it packs the vector as weights), matVec 0.08;
 * - the sparse product of wasm-src/sparse-rows.wat when A is mostly zeros (a ReLU's output:
 *   sparse-rows-product.ts), which multiplies only A's nonzeros;
 * - the blocked SIMD GEMM of wasm-src/gemm.wat (gemm-product.ts) for everything else, transposed
 *   operands and vectors times matrices included: a transpose is a choice of strides in its
 *   packing step. It replaced the previous route for transposes (an explicit SIMD transpose, then
 *   XNNPACK), because stock tfjs-wasm's transposed matmul runs at 1-3 GFLOP/s and the GEMM beats
 *   XNNPACK's plain one (57-58 against 44 GFLOP/s on two threads at the NP-BTL first layer's
 *   shapes). It also took a^T B and A^T b from XNNPACK, which packs the matrix as its weights on
 *   every call with a new matrix: 3.7 ms for [2560, 256]^T x [2560, 1] in a training step, where
 *   the same product with a cached matrix took 0.14 ms and misled an earlier measurement.
 * Where the GEMM cannot run (no wasm SIMD), a vector times a matrix goes to XNNPACK through views
 * (a^T B as stored; A^T b read as (b^T A)^T, no copy since a unit axis leaves memory order
 * unchanged), other transposed operands are transposed explicitly and the product goes to stock
 * XNNPACK, as do fused epilogues (bias, activation) and other dtypes.
 */
function transposedOperandsFirst(kernelName: string, opsOf: MatrixOpsOf, runnerOf: GemmRunnerOf, sparseOf: SparseRunnerOf): SteerableKernelConfig | null {
  const stock = tf.getKernel(kernelName, 'wasm');
  const stockTranspose = tf.getKernel(tf.Transpose, 'wasm');
  if (!stock || !stockTranspose) return null;
  return defineKernel<MatrixWasmBackend>({
    kernelName,
    backendName: 'wasm',
    overrides: true,
    ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    kernelFunc: ({ inputs, backend, attrs }: KernelArgs<MatrixWasmBackend>) => {
      const transposeA = Boolean(attrs?.['transposeA']);
      const transposeB = Boolean(attrs?.['transposeB']);
      const run = (ins: tf.NamedTensorInfoMap, at: tf.NamedAttrMap) =>
        stock.kernelFunc({ inputs: ins, backend: backend as unknown as tf.KernelBackend, attrs: at }) as tf.TensorInfo;
      const a = inputs['a']!;
      const b = inputs['b']!;
      const fusedEpilogue =
        inputs['bias'] !== undefined ||
        inputs['preluActivationWeights'] !== undefined ||
        (attrs?.['activation'] !== undefined && attrs['activation'] !== 'linear');
      const float32 = a.dtype === 'float32' && b.dtype === 'float32';
      const ops = float32 ? opsOf(backend) : null;
      if (ops && !fusedEpilogue) {
        const product = matrixVectorProduct(a, b, transposeA, transposeB, backend, ops);
        if (product) return product;
        const runner = runnerOf(backend);
        const rowTimesMatrix = vectorTimesMatrixForm(a, b, transposeA, transposeB);
        if (rowTimesMatrix) {
          // As a row times the matrix as stored, the GEMM packs the matrix in its fast path and
          // pads one row to four, instead of one column to eight.
          const out =
            (runner ? gemmProduct(rowTimesMatrix.a, rowTimesMatrix.b, false, false, backend, runner) : null) ??
            run({ ...inputs, a: rowTimesMatrix.a, b: rowTimesMatrix.b }, { ...attrs, transposeA: false, transposeB: false });
          return { dataId: out.dataId, shape: rowTimesMatrix.outShape(out.shape), dtype: out.dtype };
        }
        const blocked = heapProduct(a, b, transposeA, transposeB, backend, runner, sparseOf(backend));
        if (blocked) return blocked;
      }
      if (!transposeA && !transposeB) return run(inputs, attrs ?? {});
      const temporaries: tf.TensorInfo[] = [];
      const explicitTranspose = (x: tf.TensorInfo): tf.TensorInfo => {
        const rank = x.shape.length;
        const rows = x.shape[rank - 2]!;
        const cols = x.shape[rank - 1]!;
        // A unit axis leaves memory order unchanged: the same data under the swapped shape. Stock
        // matmul only reshapes its inputs (a reference of its own, released after), so the view
        // needs no data id of its own and nothing to dispose.
        if (rows === 1 || cols === 1) return unitAxisSwapped(x);
        const t = ops
          ? transposeLastTwo(x, backend, ops)
          : (stockTranspose.kernelFunc({
              inputs: { x },
              backend: backend as unknown as tf.KernelBackend,
              attrs: { perm: [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2] },
            }) as tf.TensorInfo);
        temporaries.push(t);
        return t;
      };
      try {
        const at = transposeA ? explicitTranspose(a) : a;
        const bt = transposeB ? explicitTranspose(b) : b;
        return run({ ...inputs, a: at, b: bt }, { ...attrs, transposeA: false, transposeB: false });
      } finally {
        for (const t of temporaries) backend.disposeData(t.dataId);
      }
    },
  });
}

/** The same data under the last two axes swapped: free when one of them is 1. */
const unitAxisSwapped = (x: tf.TensorInfo): tf.TensorInfo => {
  const rank = x.shape.length;
  return { dataId: x.dataId, shape: [...x.shape.slice(0, rank - 2), x.shape[rank - 1]!, x.shape[rank - 2]!], dtype: x.dtype };
};

/**
 * A^T b (op(B) one column, A transposed) as the plain product b^T A: the operands for a product
 * without transposes (the GEMM, or the stock kernel), and the output shape [..., 1, M] read as
 * [..., M, 1]. Null for other products.
 */
export function vectorTimesMatrixForm(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): { a: tf.TensorInfo; b: tf.TensorInfo; outShape: (shape: number[]) => number[] } | null {
  const bRank = b.shape.length;
  if (!transposeA || a.shape.length < 2 || bRank < 2) return null;
  const n = transposeB ? b.shape[bRank - 2]! : b.shape[bRank - 1]!;
  const k = transposeB ? b.shape[bRank - 1]! : b.shape[bRank - 2]!;
  if (n !== 1 || a.shape.at(-2) !== k) return null;
  return {
    a: { dataId: b.dataId, shape: [...b.shape.slice(0, -2), 1, k], dtype: b.dtype },
    b: a,
    outShape: (shape) => [...shape.slice(0, -2), shape.at(-1)!, shape.at(-2)!],
  };
}

/**
 * op(A) op(B) through matVec when op(B) has one column and A is not transposed (A b) or op(A) has
 * one row and B is transposed (a^T B^T, computed as B a); null for other shapes (and for empty
 * ones, mismatched ones, and batch dims that broadcast other than whole-operand, all left to the
 * stock kernel, which also reports shape errors).
 */
export function matrixVectorProduct(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  backend: MatrixWasmBackend,
  ops: HeapMatrixOps,
): tf.TensorInfo | null {
  const shape = productShape(a, b, transposeA, transposeB);
  if (!shape) return null;
  const { m, k, n, outer, batch, batchA, batchB } = shape;
  const matrixTimesColumn = n === 1 && !transposeA;
  const rowTimesTransposed = m === 1 && transposeB && !matrixTimesColumn;
  if (!matrixTimesColumn && !rowTimesTransposed) return null;
  // Allocate before taking heap views: an allocation may grow the heap and detach older views.
  const out = backend.makeOutput([...outer, m, n], 'float32');
  const av = backend.typedArrayFromHeap(a) as Float32Array;
  const bv = backend.typedArrayFromHeap(b) as Float32Array;
  const ov = backend.typedArrayFromHeap(out) as Float32Array;
  const aSize = m * k;
  const bSize = k * n;
  const oSize = m * n;
  for (let i = 0; i < batch; i++) {
    const ai = batchA === 1 ? av.subarray(0, aSize) : av.subarray(i * aSize, (i + 1) * aSize);
    const bi = batchB === 1 ? bv.subarray(0, bSize) : bv.subarray(i * bSize, (i + 1) * bSize);
    const oi = ov.subarray(i * oSize, (i + 1) * oSize);
    // The vector's k values are contiguous whichever way it is stored ([k, 1] or [1, k]).
    if (matrixTimesColumn) ops.matVec(ai, bi, oi, m, k);
    else ops.matVec(bi, ai, oi, n, k);
  }
  return out;
}

/**
 * op(A) op(B) on the heap by the sparse product where A is mostly zeros, else by the blocked GEMM;
 * null where neither applies (no wasm SIMD, shapes the stock kernel must handle or reject).
 */
export function heapProduct(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  backend: MatrixWasmBackend,
  gemm: GemmRunner | null,
  sparse: SparseRowsRunner | null,
): tf.TensorInfo | null {
  const skipping = sparse ? sparseRowsProduct(a, b, transposeA, transposeB, backend, sparse) : null;
  return skipping ?? (gemm ? gemmProduct(a, b, transposeA, transposeB, backend, gemm) : null);
}

/** How a kernel finds its GEMM runner; a parameter of the configs so that tests can turn it off. */
export type GemmRunnerOf = (backend: MatrixWasmBackend) => GemmRunner | null;
/** How a kernel finds its sparse-product runner; a parameter of the configs so that tests can turn it off. */
export type SparseRunnerOf = (backend: MatrixWasmBackend) => SparseRowsRunner | null;

/** BatchMatMul and _FusedMatMul share the slow transposed path; both get the override. */
export function wasmTransposedMatMulConfigs(
  opsOf: MatrixOpsOf = matrixOpsOf,
  runnerOf: GemmRunnerOf = gemmRunner,
  sparseOf: SparseRunnerOf = sparseRowsRunner,
): SteerableKernelConfig[] {
  return [tf.BatchMatMul, tf._FusedMatMul]
    .map((name) => transposedOperandsFirst(name, opsOf, runnerOf, sparseOf))
    .filter((c): c is SteerableKernelConfig => c !== null);
}
