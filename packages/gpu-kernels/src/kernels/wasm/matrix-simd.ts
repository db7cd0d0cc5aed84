import { MATRIX_WASM, MATRIX_WASM_SHARED } from './matrix-simd-bytes.js';
import { backendHeap, type HeapBackend, simdModule, type WasmMemory } from './simd-module.js';

/** The exports of wasm-src/matrix.wat; pointers are byte offsets into the imported heap. */
export interface MatrixSimdKernels {
  transpose(src: number, dst: number, batch: number, rows: number, cols: number, tile: number): void;
  matVec(mat: number, vec: number, out: number, rows: number, k: number): void;
}

/**
 * Layout and matrix-vector kernels on float32 arrays of one heap (the SIMD implementation reads the
 * arrays' byteOffsets, so they must be views of the memory it was instantiated over).
 */
export interface HeapMatrixOps {
  /** out[b, c, r] = x[b, r, c] for `batch` row-major rows x cols matrices. */
  transpose(x: Float32Array, out: Float32Array, batch: number, rows: number, cols: number): void;
  /** out[i] = sum_j mat[i, j] vec[j], mat rows x k. */
  matVec(mat: Float32Array, vec: Float32Array, out: Float32Array, rows: number, k: number): void;
}

// Squares of 32 x 32 floats (4 KiB read, 4 KiB written) were fastest up to about [2560, 256]
// (0.27-0.31 ms against 0.34-0.58 for 64); on matrices past L2, [1280, 4096] and [4096, 1280],
// 64 measured 10-30% faster than 32 (5-7.5 ms against 7-10, noisy machine). Multiples of 4.
const simdTile = (rows: number, cols: number) => (rows * cols >= 1 << 20 ? 64 : 32);
const JS_TILE = 16;

/**
 * The JS versions, for engines without wasm SIMD. The transpose goes in 16 x 16 squares (1.5-2x
 * faster than stock tfjs-wasm's Transpose at [2560, 256]); the products accumulate in float64.
 */
export const jsMatrixOps: HeapMatrixOps = {
  transpose(x, out, batch, rows, cols) {
    const size = rows * cols;
    for (let b = 0; b < batch; b++) {
      const base = b * size;
      for (let r0 = 0; r0 < rows; r0 += JS_TILE) {
        const rEnd = Math.min(r0 + JS_TILE, rows);
        for (let c0 = 0; c0 < cols; c0 += JS_TILE) {
          const cEnd = Math.min(c0 + JS_TILE, cols);
          for (let r = r0; r < rEnd; r++) {
            const from = base + r * cols;
            for (let c = c0; c < cEnd; c++) out[base + c * rows + r] = x[from + c]!;
          }
        }
      }
    }
  },
  matVec(mat, vec, out, rows, k) {
    for (let i = 0; i < rows; i++) {
      const row = i * k;
      let sum = 0;
      for (let j = 0; j < k; j++) sum += mat[row + j]! * vec[j]!;
      out[i] = sum;
    }
  },
};

/** HeapMatrixOps over the SIMD module: float32 accumulation, like XNNPACK's. */
export function simdMatrixOps(kernels: MatrixSimdKernels): HeapMatrixOps {
  return {
    transpose: (x, out, batch, rows, cols) => kernels.transpose(x.byteOffset, out.byteOffset, batch, rows, cols, simdTile(rows, cols)),
    matVec: (mat, vec, out, rows, k) => kernels.matVec(mat.byteOffset, vec.byteOffset, out.byteOffset, rows, k),
  };
}

const matrixModule = simdModule<MatrixSimdKernels>({ unshared: MATRIX_WASM, shared: MATRIX_WASM_SHARED });
// The ops wrapping each memory's kernels, so a matmul call does not build closures.
const opsByMemory = new WeakMap<WasmMemory, HeapMatrixOps | null>();

/** The SIMD kernels over `memory`, or null where the engine cannot run them. */
export const matrixSimdKernels = matrixModule.over;

/** How a kernel finds its HeapMatrixOps; a parameter of the configs so that tests can force JS. */
export type MatrixOpsOf = (backend: HeapBackend) => HeapMatrixOps;

/** The SIMD ops over the backend's heap where they can run, else the JS ones. */
export const matrixOpsOf: MatrixOpsOf = (backend) => {
  const memory = backendHeap(backend);
  if (!memory) return jsMatrixOps;
  let ops = opsByMemory.get(memory);
  if (ops === undefined) {
    const kernels = matrixSimdKernels(memory);
    ops = kernels ? simdMatrixOps(kernels) : null;
    opsByMemory.set(memory, ops);
  }
  return ops ?? jsMatrixOps;
};
