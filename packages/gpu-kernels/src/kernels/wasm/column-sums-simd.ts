import { COLUMN_SUMS_WASM, COLUMN_SUMS_WASM_SHARED } from './column-sums-simd-bytes.js';
import { backendHeap, type HeapBackend, simdModule } from './simd-module.js';

/** The export of wasm-src/column-sums.wat; pointers are byte offsets into the imported heap. */
export interface ColumnSumsKernels {
  /** out[j] = scale * sum_r x[r, j], float64 sums, for a rows x cols matrix. */
  columnSums(x: number, rows: number, cols: number, scale: number, out: number): void;
}

const columnSumsModule = simdModule<ColumnSumsKernels>({ unshared: COLUMN_SUMS_WASM, shared: COLUMN_SUMS_WASM_SHARED });

/** The kernel over a memory, or null where the engine cannot run it. */
export const columnSumsSimdKernels = columnSumsModule.over;

/** How a kernel finds the module for a backend; a parameter of the configs so tests can force JS. */
export type ColumnSumsKernelsOf = (backend: HeapBackend) => ColumnSumsKernels | null;

export const columnSumsKernelsOf: ColumnSumsKernelsOf = (backend) => {
  const memory = backendHeap(backend);
  return memory ? columnSumsSimdKernels(memory) : null;
};
