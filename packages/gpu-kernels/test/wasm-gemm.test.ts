import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend } from '../src/index.js';
import {
  GEMM_KC,
  GEMM_MC,
  GEMM_NC,
  GEMM_SCRATCH_FLOATS,
  type GemmSimdKernels,
  gemmArguments,
  gemmCompiled,
  gemmSimdKernels,
  opStrides,
  packedRowBytes,
} from '../src/kernels/wasm/gemm-simd.js';
import { GEMM_PARAM_COUNT, chunkPlan, gemmChunk, gemmPool, writeGemmBatchJob, writeGemmJob } from '../src/kernels/wasm/gemm-parallel.js';
import { HeapWorkerPool } from '../src/kernels/wasm/heap-worker-pool.js';
import { type GemmRunner, gemmRunner } from '../src/kernels/wasm/gemm-product.js';
import { wasmTransposedMatMulConfigs } from '../src/kernels/wasm/batch-mat-mul-transposed.js';
import { webAssembly } from '../src/kernels/wasm/simd-module.js';
import { numDataIds, onBackend, randomValues, replaceWasmKernels } from './helpers.js';

const { Memory } = webAssembly!;

/** A heap laid out for one product: op(A), op(B), C with guard floats around it, and scratch. */
interface Layout {
  a: number;
  b: number;
  c: number;
  scratch: number;
  end: number;
}
const GUARD = 16;
const SENTINEL = 12345.5;

function layout(m: number, n: number, k: number, parts: number): Layout {
  const a = 64;
  const b = a + m * k * 4 + 64;
  const c = b + k * n * 4 + 64 + GUARD * 4;
  const scratch = c + m * n * 4 + GUARD * 4 + 64;
  return { a, b, c, scratch, end: scratch + parts * GEMM_SCRATCH_FLOATS * 4 };
}

function memoryFor(bytes: number, shared = false) {
  const pages = Math.ceil(bytes / 65536) + 1;
  return new Memory(shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages });
}

/** Fills A and B (stored as [m, k] / [k, m] and [k, n] / [n, k]) and the C guards; returns gemm's operand strides. */
function fill(heap: Float32Array, at: Layout, m: number, n: number, k: number, ta: boolean, tb: boolean, rng: Rng) {
  heap.set(randomValues([m * k], rng), at.a / 4);
  heap.set(randomValues([k * n], rng), at.b / 4);
  heap.fill(SENTINEL, at.c / 4 - GUARD, at.c / 4 + m * n + GUARD);
  const aS = opStrides(ta ? k : m, ta ? m : k, ta);
  const bS = opStrides(tb ? n : k, tb ? k : n, tb);
  return { a: at.a, aRowStride: aS.first, aKStride: aS.second, b: at.b, bKStride: bS.first, bColStride: bS.second, c: at.c, m, n, k };
}

/** op(A) op(B) in float64 from the heap, and the sum of |products| per entry (the error scale). */
function reference(heap: Float32Array, op: ReturnType<typeof fill>) {
  const { m, n, k } = op;
  const value = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const x = heap[(op.a + i * op.aRowStride + p * op.aKStride) / 4]! * heap[(op.b + p * op.bKStride + j * op.bColStride) / 4]!;
        s += x;
        abs += Math.abs(x);
      }
      value[i * n + j] = s;
      scale[i * n + j] = abs;
    }
  }
  return { value, scale };
}

const run = (kernels: GemmSimdKernels, args: readonly number[]) => kernels.gemm(...(args as Parameters<GemmSimdKernels['gemm']>));

// Tile edges (4 rows, 8 columns), the k block (256), the m block (128), the n block (1024), K = 1.
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 1],
  [5, 9, 300],
  [13, 17, 33],
  [128, 64, 512],
  [130, 24, 257],
  [9, GEMM_NC + 13, 20],
  [33, 40, 2],
];

describe('wasm SIMD GEMM module', () => {
  for (const [m, n, k] of SHAPES) {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`op(A) op(B) at m ${m}, n ${n}, k ${k}${ta ? ', A transposed' : ''}${tb ? ', B transposed' : ''}: float32 accuracy, nothing written outside C`, () => {
        const at = layout(m, n, k, 1);
        const memory = memoryFor(at.end);
        const kernels = gemmSimdKernels(memory)!;
        expect(kernels).not.toBeNull();
        const heap = new Float32Array(memory.buffer);
        const op = fill(heap, at, m, n, k, ta, tb, new Rng(m * 1000 + n * 10 + k));
        run(kernels, gemmArguments(op, [0, m, 0, n], at.scratch));
        const { value, scale } = reference(heap, op);
        for (let e = 0; e < m * n; e++) {
          // Float32 accumulation: within a few ulps of the sum of |terms| (k up to 512 here).
          expect(Math.abs(heap[at.c / 4 + e]! - value[e]!)).toBeLessThanOrEqual(4e-7 * Math.sqrt(k) * scale[e]! + 1e-30);
        }
        for (let g = 1; g <= GUARD; g++) {
          expect(heap[at.c / 4 - g]).toBe(SENTINEL);
          expect(heap[at.c / 4 + m * n + g - 1]).toBe(SENTINEL);
        }
      });
    }
  }

  it('computes exactly the part of C it is given and leaves the rest', () => {
    const [m, n, k] = [37, 45, 19];
    const at = layout(m, n, k, 1);
    const memory = memoryFor(at.end);
    const kernels = gemmSimdKernels(memory)!;
    const heap = new Float32Array(memory.buffer);
    const op = fill(heap, at, m, n, k, true, false, new Rng(5));
    run(kernels, gemmArguments(op, [8, 21, 16, 29], at.scratch));
    const { value } = reference(heap, op);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const got = heap[at.c / 4 + i * n + j]!;
        if (i >= 8 && i < 21 && j >= 16 && j < 29) expect(Math.abs(got - value[i * n + j]!)).toBeLessThan(1e-4);
        else expect(got).toBe(SENTINEL);
      }
    }
  });

  it('op(B) packed once (packPanels) gives the bits of per-call packing, for row and column parts', () => {
    for (const [m, n, k, tb] of [
      [37, 45, 600, false],
      [12, 70, 257, true],
      [9, GEMM_NC + 40, 30, false],
    ] as const) {
      const packedBytes = k * packedRowBytes(n);
      const at = layout(m, n, k, 1);
      const memory = memoryFor(at.end + packedBytes + m * n * 4);
      const kernels = gemmSimdKernels(memory)!;
      const heap = new Float32Array(memory.buffer);
      const op = fill(heap, at, m, n, k, false, tb, new Rng(m + n + k));
      run(kernels, gemmArguments(op, [0, m, 0, n], at.scratch));
      const perCall = new Uint32Array(heap.slice(at.c / 4, at.c / 4 + m * n).buffer);
      const packed = { pointer: at.end, rowBytes: packedRowBytes(n) };
      kernels.packPanels(op.b, op.bKStride, op.bColStride, k, n, GEMM_KC, packed.pointer, packed.rowBytes);
      heap.fill(SENTINEL, at.c / 4, at.c / 4 + m * n);
      // Two row parts, then two column parts (whole 8-column panels), from the one packed copy.
      const rowSplit = 4 * Math.floor(m / 8);
      for (const part of [
        [0, rowSplit, 0, n],
        [rowSplit, m, 0, n],
      ] as const)
        run(kernels, gemmArguments(op, part, at.scratch, packed));
      expect(new Uint32Array(heap.slice(at.c / 4, at.c / 4 + m * n).buffer), `rows, ${m} x ${n} x ${k}`).toEqual(perCall);
      heap.fill(SENTINEL, at.c / 4, at.c / 4 + m * n);
      const colSplit = 8 * Math.floor(n / 16);
      for (const part of [
        [0, m, 0, colSplit],
        [0, m, colSplit, n],
      ] as const)
        run(kernels, gemmArguments(op, part, at.scratch, packed));
      expect(new Uint32Array(heap.slice(at.c / 4, at.c / 4 + m * n).buffer), `columns, ${m} x ${n} x ${k}`).toEqual(perCall);
    }
  });

  it('cuts C into chunks of whole panels that cover it once, each thread on its own scratch', () => {
    for (const [m, n, threads] of [
      [1280, 256, 2],
      [4096, 256, 4],
      [6, 300, 2],
      [4, 4, 2],
      [1, 9, 3],
      [130, 24, 3],
      [7, 7, 1],
      [97, 1000, 2],
    ] as const) {
      const plan = chunkPlan(m, n, threads);
      const args = gemmArguments({ a: 0, aRowStride: 0, aKStride: 0, b: 0, bKStride: 0, bColStride: 0, c: 0, m, n, k: 1 }, [0, m, 0, n], 1000);
      const params = new Float64Array(GEMM_PARAM_COUNT);
      writeGemmJob(params, args, plan);
      const covered = new Uint8Array(m * n);
      const calls: number[][] = [];
      const recorder = { gemm: (...call: number[]) => void calls.push(call) } as unknown as GemmSimdKernels;
      for (let chunk = 0; chunk < plan.chunks; chunk++) gemmChunk(recorder, new Float32Array(0), params, chunk, chunk % threads);
      calls.forEach((call, chunk) => {
        const [m0, m1, n0, n1] = call.slice(8, 12) as [number, number, number, number];
        if (plan.byRows) expect(m0 % 4).toBe(0);
        else expect(n0 % 8).toBe(0);
        for (let i = m0; i < m1; i++) for (let j = n0; j < n1; j++) covered[i * n + j]! += 1;
        expect(call[16]).toBe(1000 + (chunk % threads) * GEMM_SCRATCH_FLOATS * 4);
        expect(call.slice(0, 8)).toEqual(args.slice(0, 8));
      });
      expect(
        covered.every((c) => c === 1),
        `${m} x ${n} on ${threads} threads`,
      ).toBe(true);
      if (threads > 1 && plan.byRows && m >= 1024) expect(plan.chunks).toBeGreaterThanOrEqual(threads * 4);
    }
  });

  it("a batch split by whole products: each chunk runs its products whole, every product once, on its thread's scratch", () => {
    for (const [batch, perChunk, threads, shared] of [
      [128, 16, 2, false],
      [7, 3, 2, true],
      [5, 1, 4, false],
    ] as const) {
      const operands = { a: 100, aRowStride: 256, aKStride: 4, b: 200, bKStride: 512, bColStride: 4, c: 300, m: 64, n: 128, k: 64 };
      const args = gemmArguments(operands, [0, 64, 0, 128], 1000);
      const params = new Float64Array(GEMM_PARAM_COUNT);
      const strides = { a: 64 * 64 * 4, b: shared ? 0 : 64 * 128 * 4, c: 64 * 128 * 4 };
      writeGemmBatchJob(params, args, batch, perChunk, strides);
      const calls: number[][] = [];
      const recorder = { gemm: (...call: number[]) => void calls.push(call) } as unknown as GemmSimdKernels;
      const chunks = Math.ceil(batch / perChunk);
      const threadOf: number[] = [];
      for (let chunk = 0; chunk < chunks; chunk++) {
        const before = calls.length;
        gemmChunk(recorder, new Float32Array(0), params, chunk, chunk % threads);
        for (let i = before; i < calls.length; i++) threadOf.push(chunk % threads);
      }
      expect(calls.length).toBe(batch);
      calls.forEach((call, p) => {
        expect(call[0]).toBe(100 + p * strides.a);
        expect(call[3]).toBe(200 + p * strides.b);
        expect(call[6]).toBe(300 + p * strides.c);
        expect(call.slice(8, 12)).toEqual([0, 64, 0, 128]);
        expect(call[16]).toBe(1000 + threadOf[p]! * GEMM_SCRATCH_FLOATS * 4);
      });
    }
  });

  it('helper threads over a shared heap give the bits of one thread, and do some of the chunks', async () => {
    // Chunks of about 4M multiply-adds each: long enough for a woken helper to claim some.
    const [m, n, k] = [1024, 64, 512];
    const at = layout(m, n, k, 4);
    const packed = { pointer: at.end, rowBytes: packedRowBytes(n) };
    const memory = memoryFor(at.end + k * packed.rowBytes, true);
    const kernels = gemmSimdKernels(memory)!;
    const pool = gemmPool(memory, kernels);
    expect(pool, 'a pool where there is more than one core').not.toBeNull();
    const heap = new Float32Array(memory.buffer);
    const op = fill(heap, at, m, n, k, true, false, new Rng(9));
    const args = gemmArguments(op, [0, m, 0, n], at.scratch);
    run(kernels, args);
    const single = new Uint32Array(heap.slice(at.c / 4, at.c / 4 + m * n).buffer);
    const plan = chunkPlan(m, n, pool!.threads);
    expect(plan.chunks).toBeGreaterThan(1);
    // The helpers start asynchronously; until one does, the calling thread runs every chunk.
    let helped = 0;
    for (let attempt = 0; attempt < 100 && helped === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      heap.fill(SENTINEL, at.c / 4, at.c / 4 + m * n);
      writeGemmJob(pool!.params, args, plan);
      pool!.run(plan.chunks, 'matmul');
      helped += pool!.helperChunks;
      expect(new Uint32Array(heap.slice(at.c / 4, at.c / 4 + m * n).buffer)).toEqual(single);
      // The same with op(B) packed once for every chunk, as gemmProduct does when split.
      heap.fill(SENTINEL, at.c / 4, at.c / 4 + m * n);
      kernels.packPanels(op.b, op.bKStride, op.bColStride, k, n, GEMM_KC, packed.pointer, packed.rowBytes);
      writeGemmJob(pool!.params, gemmArguments(op, [0, m, 0, n], at.scratch, packed), plan);
      pool!.run(plan.chunks, 'matmul');
      helped += pool!.helperChunks;
      expect(new Uint32Array(heap.slice(at.c / 4, at.c / 4 + m * n).buffer)).toEqual(single);
    }
    expect(helped, 'chunks a helper computed').toBeGreaterThan(0);
  });

  it('a chunk that fails in a helper makes the run throw instead of hanging or passing', async () => {
    const memory = memoryFor(65536, true);
    // The caller's chunks take 2 ms each, so that a woken helper claims some and fails them.
    const failOnHelpers = (_e: unknown, _h: Float32Array, _p: Float64Array, _chunk: number, thread: number) => {
      if (thread > 0) throw new Error('helper failure');
      const started = Date.now();
      while (Date.now() - started < 2);
    };
    const pool = HeapWorkerPool.create(memory, gemmCompiled(true)!, {}, failOnHelpers, 1)!;
    expect(pool).not.toBeNull();
    let threw = false;
    for (let attempt = 0; attempt < 100 && !threw; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      try {
        pool.run(16, 'test job');
      } catch (error) {
        threw = true;
        expect(String(error)).toMatch(/test job: a helper thread failed \d+ chunk/);
      }
    }
    expect(threw).toBe(true);
  });
});

describe('HeapWorkerPool on a busy machine', () => {
  it('after a job stalled by a helper, runs the next ones on the caller alone, then uses the helpers again', async () => {
    const memory = memoryFor(65536, true);
    // Each chunk marks who ran it (caller 1, helpers 2..); a helper's chunk also takes 100 ms, as
    // if the machine had taken its core, while the caller's take 1 ms.
    const marking = (_e: unknown, heap: Float32Array, _p: Float64Array, chunk: number, thread: number) => {
      heap[chunk] = (heap[chunk] ?? 0) + thread + 1;
      const ms = thread > 0 ? 100 : 1;
      const started = Date.now();
      while (Date.now() - started < ms);
    };
    const pool = HeapWorkerPool.create(memory, gemmCompiled(true)!, {}, marking, 1)!;
    const heap = new Float32Array(memory.buffer);
    const job = () => {
      heap.fill(0, 0, 16);
      pool.run(16, 'test job');
      // Every chunk ran exactly once, wherever it ran.
      expect(Array.from(heap.subarray(0, 16)).every((v) => v >= 1 && v <= 1 + pool.threads)).toBe(true);
    };
    let stalled = false;
    for (let attempt = 0; attempt < 100 && !stalled; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      job();
      stalled = pool.helperChunks > 0;
    }
    expect(stalled, 'a helper started and took a chunk').toBe(true);
    // Its 100 ms chunk kept the caller waiting longer than its own 15 ms: the next job runs alone.
    const solo = pool.soloJobs;
    job();
    expect(pool.soloJobs).toBe(solo + 1);
    expect(pool.helperChunks).toBe(0);
    expect(Array.from(heap.subarray(0, 16))).toEqual(new Array(16).fill(1));
    // After the pause the helpers are asked again.
    let helped = false;
    for (let attempt = 0; attempt < 100 && !helped; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      job();
      helped = pool.helperChunks > 0;
    }
    expect(helped, 'helpers used again after the pause').toBe(true);
  });
});

describe('wasm matmul through the GEMM', () => {
  let taken = 0;
  const counting = (backend: Parameters<typeof gemmRunner>[0]): GemmRunner | null => {
    const runner = gemmRunner(backend);
    if (runner) taken++;
    return runner;
  };
  let restore = () => {};

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    restore = replaceWasmKernels(wasmTransposedMatMulConfigs(undefined, counting));
  });
  afterAll(() => restore());

  // Plain, both transposes, batched, a broadcast operand, tile and block edges.
  const CASES: Array<{ a: number[]; b: number[]; ta: boolean; tb: boolean }> = [
    { a: [37, 300], b: [300, 45], ta: false, tb: false },
    { a: [300, 37], b: [300, 45], ta: true, tb: false },
    { a: [37, 300], b: [45, 300], ta: false, tb: true },
    { a: [300, 37], b: [45, 300], ta: true, tb: true },
    { a: [3, 20, 9], b: [3, 9, 17], ta: false, tb: false },
    { a: [3, 9, 20], b: [9, 17], ta: true, tb: false },
    { a: [20, 9], b: [2, 2, 17, 9], ta: false, tb: true },
    { a: [GEMM_MC + 5, 260], b: [260, GEMM_NC + 9], ta: false, tb: false },
    // A^T b, run as the row b^T times A as stored; a row times a matrix.
    { a: [300, 37], b: [300, 1], ta: true, tb: false },
    { a: [1, 300], b: [300, 45], ta: false, tb: false },
  ];

  for (const { a, b, ta, tb } of CASES) {
    it(`${JSON.stringify(a)}${ta ? '^T' : ''} x ${JSON.stringify(b)}${tb ? '^T' : ''} equals cpu, through the GEMM`, async () => {
      const rng = new Rng(a.length * 100 + b[0]!);
      const av = randomValues(a, rng);
      const bv = randomValues(b, rng);
      const product = () => tf.matMul(tf.tensor(av, a), tf.tensor(bv, b), ta, tb);
      const [cpu] = await onBackend('cpu', product);
      const before = taken;
      const [wasm] = await onBackend('wasm', product);
      expect(taken).toBeGreaterThan(before);
      expect(wasm!.length).toBe(cpu!.length);
      const k = ta ? a.at(-2)! : a.at(-1)!;
      for (let i = 0; i < cpu!.length; i++) expect(Math.abs(wasm![i]! - cpu![i]!)).toBeLessThan(2e-6 * k);
    });
  }

  it('gradients of a two-layer network through the GEMM equal cpu, and no backend data leaks', async () => {
    const rng = new Rng(3);
    const x = randomValues([70, 130], rng);
    const w1 = randomValues([130, 40], rng, 0.1);
    const w2 = randomValues([40, 9], rng, 0.1);
    const grads = () => {
      const [gx, g1, g2] = tf.grads((xs: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.relu(xs.matMul(a)).matMul(b).square().sum())([
        tf.tensor(x, [70, 130]),
        tf.tensor(w1, [130, 40]),
        tf.tensor(w2, [40, 9]),
      ]);
      return [gx!, g1!, g2!];
    };
    const cpu = await onBackend('cpu', grads);
    const wasm = await onBackend('wasm', grads);
    for (let t = 0; t < 3; t++)
      for (let i = 0; i < cpu[t]!.length; i++) expect(Math.abs(wasm[t]![i]! - cpu[t]![i]!)).toBeLessThan(1e-4 * (1 + Math.abs(cpu[t]![i]!)));
    await tf.setBackend('wasm');
    const ids = numDataIds();
    const tensors = tf.memory().numTensors;
    for (let s = 0; s < 3; s++) tf.dispose(tf.tidy(grads));
    expect(numDataIds()).toBe(ids);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
