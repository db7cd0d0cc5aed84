import { GEMM_ARGUMENT_COUNT, GEMM_SCRATCH_FLOATS, type GemmSimdKernels, gemmCompiled } from './gemm-simd.js';
import { HeapWorkerPool } from './heap-worker-pool.js';
import { isShared, type WasmMemory } from './simd-module.js';

/**
 * A GEMM split over the heap's helper threads (HeapWorkerPool): C in chunks of whole 4-row panels
 * (or, for outputs with few rows, 8-column panels), about four per thread so that a thread the
 * machine slows takes fewer. Every element sums over k in the same order whichever thread computes
 * it, so the result has the bits of one thread's. Each chunk packs its own rows of A; op(B) is
 * packed once by the caller for all chunks where it fits a bound (gemm-product.ts), else again by
 * each chunk.
 */

// params (float64): the gemm arguments for all of C (thread 0's scratch), then the chunk extent,
// 1 when chunks are rows (0: columns), the bytes of scratch per thread; then, for a batch of whole
// products (mode 1; 0 splits one product), the products per chunk, the batch, and the byte
// strides between products of A, B (0 for one shared by all) and C.
export const GEMM_PARAM_COUNT = GEMM_ARGUMENT_COUNT + 9;

/** How C is cut: by rows or columns, `size` of them per chunk (whole panels), `chunks` chunks. */
export interface ChunkPlan {
  byRows: boolean;
  size: number;
  chunks: number;
}

export function chunkPlan(m: number, n: number, threads: number): ChunkPlan {
  const byRows = m >= 8 * threads || n < 16;
  const extent = byRows ? m : n;
  const panel = byRows ? 4 : 8;
  const wanted = Math.ceil(extent / (threads * 4));
  const size = Math.max(panel * 4, Math.ceil(wanted / panel) * panel);
  return { byRows, size, chunks: Math.ceil(extent / size) };
}

/** Fills a pool's params for `args` (a whole-C call of gemmArguments) cut by `plan`. */
export function writeGemmJob(params: Float64Array, args: readonly number[], plan: ChunkPlan): void {
  params.set(args);
  params[GEMM_ARGUMENT_COUNT] = plan.size;
  params[GEMM_ARGUMENT_COUNT + 1] = plan.byRows ? 1 : 0;
  params[GEMM_ARGUMENT_COUNT + 2] = GEMM_SCRATCH_FLOATS * 4;
  params[GEMM_ARGUMENT_COUNT + 3] = 0;
}

/** Fills a pool's params for a batch of `batch` whole products, `args` those of product 0. */
export function writeGemmBatchJob(
  params: Float64Array,
  args: readonly number[],
  batch: number,
  perChunk: number,
  strides: { a: number; b: number; c: number },
): void {
  params.set(args);
  params.set([0, 0, GEMM_SCRATCH_FLOATS * 4, 1, perChunk, batch, strides.a, strides.b, strides.c], GEMM_ARGUMENT_COUNT);
}

/**
 * Chunk `chunk` of the job in `params`, on thread `thread` (its own scratch): a part of one
 * product's C, or (mode 1) some whole products of a batch. Runs on the helpers too, so it must
 * stay self-contained: they receive its source text (hence the literal indices: the pointers to
 * A, B, C are arguments 0, 3 and 6, m0 m1 n0 n1 8-11, the scratch pointers 16-18, the plan
 * 21-29).
 */
export function gemmChunk(kernels: GemmSimdKernels, _heap: Float32Array, params: Float64Array, chunk: number, thread: number): void {
  const args = Array.from(params.subarray(0, 21));
  const scratch = params[23]! * thread;
  args[16]! += scratch;
  args[17]! += scratch;
  args[18]! += scratch;
  if (params[24] === 1) {
    const first = chunk * params[25]!;
    const last = Math.min(params[26]!, first + params[25]!);
    const [a, b, c] = [args[0]!, args[3]!, args[6]!];
    for (let p = first; p < last; p++) {
      args[0] = a + p * params[27]!;
      args[3] = b + p * params[28]!;
      args[6] = c + p * params[29]!;
      kernels.gemm(...(args as Parameters<GemmSimdKernels['gemm']>));
    }
    return;
  }
  const size = params[21]!;
  const from = params[22] === 1 ? 8 : 10;
  const first = args[from]! + chunk * size;
  args[from + 1] = Math.min(args[from + 1]!, first + size);
  args[from] = first;
  kernels.gemm(...(args as Parameters<GemmSimdKernels['gemm']>));
}

const pools = new WeakMap<WasmMemory, HeapWorkerPool<GemmSimdKernels> | null>();

/** The helper threads for `memory` (created on first use), or null (unshared heap, one core). */
export function gemmPool(memory: WasmMemory, kernels: GemmSimdKernels): HeapWorkerPool<GemmSimdKernels> | null {
  if (!pools.has(memory)) {
    // Only a shared heap has helpers: the shared-memory build is not compiled for the others.
    const module = isShared(memory) ? gemmCompiled(true) : null;
    pools.set(memory, module ? HeapWorkerPool.create(memory, module, kernels, gemmChunk, GEMM_PARAM_COUNT) : null);
  }
  return pools.get(memory)!;
}
