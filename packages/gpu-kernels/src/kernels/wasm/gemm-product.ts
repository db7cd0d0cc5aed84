import type * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../backend-types.js';
import {
  GEMM_KC,
  GEMM_SCRATCH_FLOATS,
  type GemmOperands,
  type GemmSimdKernels,
  type PackedB,
  gemmArguments,
  gemmSimdKernels,
  opStrides,
  packedRowBytes,
} from './gemm-simd.js';
import { chunkPlan, gemmPool, writeGemmBatchJob, writeGemmJob } from './gemm-parallel.js';
import type { HeapWorkerPool } from './heap-worker-pool.js';
import { productShape } from './product-shape.js';
import { backendHeap, type HeapBackend } from './simd-module.js';

type GemmBackend = WasmBackend & HeapBackend;

// Below this many multiply-adds per product a second thread costs more to wake (tens of
// microseconds) than it saves.
const THREADED_MIN_MACS = 1 << 20;
// A batch of products each under this many multiply-adds is split by whole products (chunks of
// several) rather than each product by rows: USE-lite's attention is 128 products of 1-2M
// multiply-adds per BatchMatMul, and waking the helpers for each cost more than the products.
const BATCH_SPLIT_MAX_MACS = 1 << 23;
// Split over threads, op(B) is packed once for every chunk up to this size (32 MiB; a 4096 x 256
// weight is 1M floats) instead of by each chunk again: eight chunks packed B eight times. In five
// alternating runs on a busy VM, 1024^3 took 47-64 ms packed once against 56-83 per chunk. A
// vocabulary projection (768 x 50257, 39M floats) keeps per-chunk packing rather than a scratch
// that large.
const SHARED_PACK_MAX_FLOATS = 8 << 20;

/** What runs a product on this backend's heap: the module and, on a shared heap, helper threads. */
export interface GemmRunner {
  kernels: GemmSimdKernels;
  pool: HeapWorkerPool<GemmSimdKernels> | null;
}

/**
 * The runner for `backend`, or null where the engine has no wasm SIMD (the stock XNNPACK path
 * runs then). On tfjs's threaded build (a shared heap) the product is split over helper threads;
 * this module measured 57-58 GFLOP/s on two threads against XNNPACK's 44, and 26-30 on one
 * against 25, so it is used on either build.
 */
export function gemmRunner(backend: HeapBackend): GemmRunner | null {
  const memory = backendHeap(backend);
  if (!memory) return null;
  const kernels = gemmSimdKernels(memory);
  return kernels ? { kernels, pool: gemmPool(memory, kernels) } : null;
}

/**
 * op(A) op(B) for float32 operands of rank >= 2 whose batch dims are equal or one of them 1 (a
 * whole operand broadcast), through the SIMD GEMM; null for anything else (empty, mismatched,
 * other broadcasts), which the caller leaves to the stock kernel, whose errors then apply.
 * Transposes are strides: nothing is copied but the packing inside the module.
 */
export function gemmProduct(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  backend: GemmBackend,
  runner: GemmRunner,
): tf.TensorInfo | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const shape = productShape(a, b, transposeA, transposeB);
  if (!shape) return null;
  const { m, k, n, outer, batch, batchA, batchB } = shape;
  const [aRows, aCols] = a.shape.slice(-2) as [number, number];
  const [bRows, bCols] = b.shape.slice(-2) as [number, number];

  const byProducts = batch > 1 && m * n * k < BATCH_SPLIT_MAX_MACS && batch * m * n * k >= THREADED_MIN_MACS && runner.pool !== null;
  const pool = m * n * k >= THREADED_MIN_MACS || byProducts ? runner.pool : null;
  const threads = pool ? pool.threads : 1;
  const plan = chunkPlan(m, n, threads);
  const packFloats = (k * packedRowBytes(n)) / 4;
  const sharedPackFloats = pool && !byProducts && packFloats <= SHARED_PACK_MAX_FLOATS ? packFloats : 0;
  // Allocate the output and the scratch before reading any address: an allocation may grow the
  // heap (offsets stay valid; only JS views detach, and none is taken here).
  const out = backend.makeOutput([...outer, m, n], 'float32');
  const scratch = backend.makeOutput([GEMM_SCRATCH_FLOATS * threads + sharedPackFloats], 'float32');
  try {
    const aBase = backend.typedArrayFromHeap(a).byteOffset;
    const bBase = backend.typedArrayFromHeap(b).byteOffset;
    const cBase = backend.typedArrayFromHeap(out).byteOffset;
    const scratchBase = backend.typedArrayFromHeap(scratch).byteOffset;
    // op(A) is indexed (i, k), op(B) (k, j).
    const aStrides = opStrides(aRows, aCols, transposeA);
    const bStrides = opStrides(bRows, bCols, transposeB);
    const packed: PackedB | undefined =
      sharedPackFloats > 0 ? { pointer: scratchBase + GEMM_SCRATCH_FLOATS * threads * 4, rowBytes: packedRowBytes(n) } : undefined;
    if (pool && byProducts) {
      const first: GemmOperands = {
        a: aBase,
        aRowStride: aStrides.first,
        aKStride: aStrides.second,
        b: bBase,
        bKStride: bStrides.first,
        bColStride: bStrides.second,
        c: cBase,
        m,
        n,
        k,
      };
      const perChunk = Math.ceil(batch / (threads * 4));
      const strides = { a: batchA === 1 ? 0 : aRows * aCols * 4, b: batchB === 1 ? 0 : bRows * bCols * 4, c: m * n * 4 };
      writeGemmBatchJob(pool.params, gemmArguments(first, [0, m, 0, n], scratchBase), batch, perChunk, strides);
      pool.run(Math.ceil(batch / perChunk), 'batched matmul');
      return out;
    }
    for (let i = 0; i < batch; i++) {
      const op: GemmOperands = {
        a: aBase + (batchA === 1 ? 0 : i * aRows * aCols * 4),
        aRowStride: aStrides.first,
        aKStride: aStrides.second,
        b: bBase + (batchB === 1 ? 0 : i * bRows * bCols * 4),
        bKStride: bStrides.first,
        bColStride: bStrides.second,
        c: cBase + i * m * n * 4,
        m,
        n,
        k,
      };
      // A B broadcast over the batch is packed once, for the first product.
      if (packed && (i === 0 || batchB !== 1)) runner.kernels.packPanels(op.b, op.bKStride, op.bColStride, k, n, GEMM_KC, packed.pointer, packed.rowBytes);
      const args = gemmArguments(op, [0, m, 0, n], scratchBase, packed);
      if (pool) {
        writeGemmJob(pool.params, args, plan);
        pool.run(plan.chunks, 'matmul');
      } else {
        runner.kernels.gemm(...(args as Parameters<GemmSimdKernels['gemm']>));
      }
    }
  } finally {
    backend.disposeData(scratch.dataId);
  }
  return out;
}
