import { SPARSE_ROWS_WASM, SPARSE_ROWS_WASM_FMA, SPARSE_ROWS_WASM_FMA_SHARED, SPARSE_ROWS_WASM_SHARED } from './sparse-rows-simd-bytes.js';
import { simdModule, type WasmMemory } from './simd-module.js';

/** The exports of wasm-src/sparse-rows.wat; pointers and strides are bytes in the imported heap. */
export interface SparseRowsKernels {
  /** Nonzeros among `count` floats (NaN counts, -0 does not), stopping once past `limit`. */
  countNonzero(p: number, count: number, limit: number): number;
  /** 1 when all `count` floats are finite, else 0. */
  allFinite(p: number, count: number): number;
  /** B's whole 32-column panels, each k x 32 floats, packed one after the other at dst. */
  packPanels32(b: number, bKStride: number, k: number, n: number, dst: number): void;
  /** Rows m0..m1 of C = A B, skipping A's zeros; scratch holds panel * (2k + 1) words. */
  sparseRowsProduct(
    a: number,
    aRowStride: number,
    b: number,
    bKStride: number,
    packed: number,
    c: number,
    ldc: number,
    m0: number,
    m1: number,
    n: number,
    k: number,
    panel: number,
    scratch: number,
  ): void;
}

const sparseRowsModule = simdModule<SparseRowsKernels>({
  unshared: SPARSE_ROWS_WASM,
  shared: SPARSE_ROWS_WASM_SHARED,
  fmaUnshared: SPARSE_ROWS_WASM_FMA,
  fmaShared: SPARSE_ROWS_WASM_FMA_SHARED,
});

/** The module compiled for a shared or unshared memory (what the worker threads instantiate). */
export const sparseRowsCompiled = sparseRowsModule.compiled;

/** The kernels over `memory`, or null where the engine cannot run them (no SIMD). */
export const sparseRowsSimdKernels: (memory: WasmMemory) => SparseRowsKernels | null = sparseRowsModule.over;
