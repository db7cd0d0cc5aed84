import { COLUMN_SUMS_WASM, COLUMN_SUMS_WASM_SHARED } from './column-sums-simd-bytes.js';
import { type KernelsOf, simdModule } from './simd-module.js';

/** The export of wasm-src/column-sums.wat; pointers are byte offsets into the imported heap. */
export interface ColumnSumsKernels {
  /** out[j] = scale * sum_r x[r, j], float64 sums, for a rows x cols matrix. */
  columnSums(x: number, rows: number, cols: number, scale: number, out: number): void;
}

const columnSumsModule = simdModule<ColumnSumsKernels>({ unshared: COLUMN_SUMS_WASM, shared: COLUMN_SUMS_WASM_SHARED });

/** The kernel over a memory, or null where the engine cannot run it. */
export const columnSumsSimdKernels = columnSumsModule.over;

export type ColumnSumsKernelsOf = KernelsOf<ColumnSumsKernels>;

/** The kernel over a backend's heap, or null where it cannot run there. */
export const columnSumsKernelsOf = columnSumsModule.ofBackend;
