import type * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../backend-types.js';
import { HeapWorkerPool } from './heap-worker-pool.js';
import { productShape } from './product-shape.js';
import { backendHeap, type HeapBackend, isShared, type WasmMemory } from './simd-module.js';
import { type SparseRowsKernels, sparseRowsCompiled, sparseRowsSimdKernels } from './sparse-rows-simd.js';

type SparseBackend = WasmBackend & HeapBackend;

/**
 * A B for a float32 A that is mostly zeros (a ReLU's output), through wasm-src/sparse-rows.wat,
 * which multiplies only A's nonzeros. USE-lite's feed-forward layers are ReLU(X W1 + b1) W2 with
 * 92% of the hidden units at zero on real text: the second product, [tokens, 1536] x [1536, 512],
 * takes 40-50 ms per 4096 tokens here where the blocked GEMM takes 170-200 ms for a product of its
 * size (both with fused multiply-adds, one thread of a busy 2-core VM; 60-120 against 250-340 ms
 * without). Per nonzero the module reads 32 floats of B for 32 multiply-adds where the GEMM's
 * tile reads 6 values per 32, so below about a fifth nonzero it wins; A is counted first (one
 * pass, stopped as soon as it is too dense: about 1/n of the product's work) and denser products
 * return null for the GEMM to run.
 */

/** Largest share of nonzeros in A for which the sparse path runs. */
export const SPARSE_MAX_DENSITY = 0.2;
// Below this many multiply-adds the count and the packing of B cost more than they save.
const SPARSE_MIN_MACS = 1 << 18;
// Rows of A compressed at a time: a thread's scratch is PANEL * (2k + 1) words (384 KiB at k = 1536).
const PANEL = 32;
// Below this many multiply-adds a helper thread costs more to wake than it saves.
const THREADED_MIN_MACS = 1 << 20;

// params (float64): a, aRowStride, b, bKStride, packed, c, ldc, m0, m1, n, k, panel, scratch,
// scratch bytes per thread, rows per chunk
const PARAM_COUNT = 15;

/**
 * Chunk `chunk` (rows params[14] at a time from m0) of the job in `params`, on thread `thread`.
 * Runs on the helpers too, so it must stay self-contained: they receive its source text.
 */
export function sparseRowsChunk(kernels: SparseRowsKernels, _heap: Float32Array, params: Float64Array, chunk: number, thread: number): void {
  const m0 = params[7]! + chunk * params[14]!;
  const m1 = Math.min(params[8]!, m0 + params[14]!);
  const scratch = params[12]! + thread * params[13]!;
  const [a, aRowStride, b, bKStride, packed, c, ldc] = [params[0]!, params[1]!, params[2]!, params[3]!, params[4]!, params[5]!, params[6]!];
  kernels.sparseRowsProduct(a, aRowStride, b, bKStride, packed, c, ldc, m0, m1, params[9]!, params[10]!, params[11]!, scratch);
}

/** What runs the sparse product on a heap: the module and, on a shared heap, helper threads. */
export interface SparseRowsRunner {
  kernels: SparseRowsKernels;
  pool: HeapWorkerPool<SparseRowsKernels> | null;
}

const runners = new WeakMap<WasmMemory, SparseRowsRunner | null>();

/** The runner for `backend`'s heap, or null where the engine has no wasm SIMD. */
export function sparseRowsRunner(backend: HeapBackend): SparseRowsRunner | null {
  const memory = backendHeap(backend);
  if (!memory) return null;
  if (!runners.has(memory)) {
    const kernels = sparseRowsSimdKernels(memory);
    const module = kernels && isShared(memory) ? sparseRowsCompiled(true) : null;
    const pool = kernels && module ? HeapWorkerPool.create(memory, module, kernels, sparseRowsChunk, PARAM_COUNT) : null;
    runners.set(memory, kernels ? { kernels, pool } : null);
  }
  return runners.get(memory)!;
}

/**
 * op(A) op(B) through the sparse module when neither operand is transposed, A is float32 with at
 * most SPARSE_MAX_DENSITY nonzeros, B is finite (0 * inf is NaN, which skipping a zero would
 * lose) and the product is large enough; null otherwise (the caller runs the GEMM).
 */
export function sparseRowsProduct(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  backend: SparseBackend,
  runner: SparseRowsRunner,
): tf.TensorInfo | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || transposeA || transposeB) return null;
  const shape = productShape(a, b, false, false);
  if (!shape) return null;
  const { m, k, n, outer, batch, batchA, batchB } = shape;
  if (n < 32 || m * k * n < SPARSE_MIN_MACS) return null;
  const { kernels } = runner;
  const aBase = backend.typedArrayFromHeap(a).byteOffset;
  const bBase = backend.typedArrayFromHeap(b).byteOffset;
  const aSize = batchA * m * k;
  if (kernels.countNonzero(aBase, aSize, Math.floor(SPARSE_MAX_DENSITY * aSize)) > SPARSE_MAX_DENSITY * aSize) return null;
  if (kernels.allFinite(bBase, batchB * k * n) !== 1) return null;

  const pool = m * k * n * batch >= THREADED_MIN_MACS ? runner.pool : null;
  const threads = pool ? pool.threads : 1;
  const scratchFloats = PANEL * (2 * k + 1);
  const packedFloats = k * 32 * Math.floor(n / 32);
  // Allocate before reading any address: an allocation may grow the heap (offsets stay valid).
  const out = backend.makeOutput([...outer, m, n], 'float32');
  const scratch = backend.makeOutput([scratchFloats * threads + packedFloats], 'float32');
  try {
    const cBase = backend.typedArrayFromHeap(out).byteOffset;
    const scratchBase = backend.typedArrayFromHeap(scratch).byteOffset;
    const packed = scratchBase + scratchFloats * threads * 4;
    const rows = (aAt: number, bAt: number, cAt: number, count: number) => {
      const job = [aAt, k * 4, bAt, n * 4, packed, cAt, n * 4, 0, count, n, k, PANEL, scratchBase, scratchFloats * 4];
      if (!pool) {
        kernels.sparseRowsProduct(...(job.slice(0, 13) as Parameters<SparseRowsKernels['sparseRowsProduct']>));
        return;
      }
      const chunkRows = Math.max(PANEL, Math.ceil(count / (threads * 4 * PANEL)) * PANEL);
      pool.params.set([...job, chunkRows]);
      pool.run(Math.ceil(count / chunkRows), 'sparse matmul');
    };
    if (batchB === 1) {
      // One B for every product (then A has all `batch` matrices): packed once, and A's matrices
      // are one tall A.
      kernels.packPanels32(bBase, n * 4, k, n, packed);
      rows(aBase, bBase, cBase, batch * m);
    } else {
      for (let i = 0; i < batch; i++) {
        const bAt = bBase + i * k * n * 4;
        kernels.packPanels32(bAt, n * 4, k, n, packed);
        rows(aBase + (batchA === 1 ? 0 : i * m * k * 4), bAt, cBase + i * m * n * 4, m);
      }
    }
  } finally {
    backend.disposeData(scratch.dataId);
  }
  return out;
}
