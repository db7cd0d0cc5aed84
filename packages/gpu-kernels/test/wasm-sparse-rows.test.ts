import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend } from '../src/index.js';
import { sparseRowsSimdKernels } from '../src/kernels/wasm/sparse-rows-simd.js';
import { SPARSE_MAX_DENSITY, type SparseRowsRunner, sparseRowsRunner } from '../src/kernels/wasm/sparse-rows-product.js';
import { wasmTransposedMatMulConfigs } from '../src/kernels/wasm/batch-mat-mul-transposed.js';
import { webAssembly } from '../src/kernels/wasm/simd-module.js';
import { numDataIds, onBackend, randomValues, replaceWasmKernels } from './helpers.js';

/** Values of a ReLU's output: about `density` of them positive, the rest exactly zero. */
function reluLike(size: number, density: number, rng: Rng): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform() < density ? rng.uniform() * 2 : 0;
  return out;
}

/** A B in float64 and the sum of |terms| per entry (the scale of float32 rounding). */
function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number) {
  const value = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const x = a[i * k + p]!;
      if (x === 0) continue;
      for (let j = 0; j < n; j++) {
        value[i * n + j] = value[i * n + j]! + x * b[p * n + j]!;
        scale[i * n + j] = scale[i * n + j]! + Math.abs(x * b[p * n + j]!);
      }
    }
  }
  return { value, scale };
}

describe("sparse-rows module (products that skip A's zeros)", () => {
  const memory = new webAssembly!.Memory({ initial: 200 });
  const kernels = sparseRowsSimdKernels(memory)!;
  const heap = () => new Float32Array(memory.buffer);

  it('countNonzero counts NaN and not -0, and stops once past the limit', () => {
    const values = [0, -0, 1, Number.NaN, 0, -2, Number.POSITIVE_INFINITY, 0, 0, 3e-40, 0];
    heap().set(values, 16);
    expect(kernels.countNonzero(64, values.length, values.length)).toBe(5);
    // Every length, so that the 4-float loop and the tail both count.
    for (let n = 0; n <= values.length; n++) expect(kernels.countNonzero(64, n, n)).toBe(values.slice(0, n).filter((v) => v !== 0).length);
    heap().fill(1, 1024, 1024 + 4096);
    const stopped = kernels.countNonzero(4096, 4096, 10);
    expect(stopped).toBeGreaterThan(10);
    expect(stopped).toBeLessThan(4096);
  });

  it('allFinite finds an infinity or a NaN in the 4-float body and in the tail', () => {
    heap().fill(0.5, 256, 256 + 103);
    expect(kernels.allFinite(1024, 103)).toBe(1);
    for (const bad of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
      for (const at of [0, 50, 100, 102]) {
        heap()[256 + at] = bad;
        expect(kernels.allFinite(1024, 103), `${bad} at ${at}`).toBe(0);
        heap()[256 + at] = 0.5;
      }
    }
  });

  // USE-lite's feed-forward product and edges: columns past the last 32-wide panel (4-wide and
  // single), rows past the last 32-row panel, an all-zero row, a panel boundary inside the rows.
  const SHAPES: Array<[m: number, k: number, n: number]> = [
    [70, 1536, 512],
    [37, 200, 37],
    [5, 64, 33],
    [65, 96, 100],
  ];
  for (const [m, k, n] of SHAPES) {
    it(`sparseRowsProduct [${m}, ${k}] x [${k}, ${n}] at 8% nonzeros equals float64 within float32 rounding`, () => {
      const rng = new Rng(m * 1000 + n);
      const a = reluLike(m * k, 0.08, rng);
      a.fill(0, 2 * k, 3 * k);
      const b = randomValues([k * n], rng);
      const at = { a: 64, b: 64 + m * k * 4, c: 64 + (m * k + k * n) * 4 + 64 };
      const packed = at.c + (m * n + 16) * 4;
      const scratch = packed + k * n * 4 + 64;
      heap().set(a, at.a / 4);
      heap().set(b, at.b / 4);
      heap().fill(Number.NaN, at.c / 4 - 4, at.c / 4 + m * n + 4);
      kernels.packPanels32(at.b, n * 4, k, n, packed);
      kernels.sparseRowsProduct(at.a, k * 4, at.b, n * 4, packed, at.c, n * 4, 0, m, n, k, 32, scratch);
      const c = heap().slice(at.c / 4 - 4, at.c / 4 + m * n + 4);
      const { value, scale } = reference(a, b, m, k, n);
      let worst = 0;
      for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(c[i + 4]! - value[i]!) / (scale[i]! + 1e-30));
      expect(worst).toBeLessThan(k * 6e-8);
      // Nothing written outside C, and the all-zero row is exactly zero.
      expect([...c.slice(0, 4), ...c.slice(4 + m * n)].every(Number.isNaN)).toBe(true);
      expect(Array.from(c.slice(4 + 2 * n, 4 + 3 * n)).every((v) => v === 0)).toBe(true);
    });
  }

  it('rows computed in separate calls (as threads split them) are bit-identical to one call', () => {
    const [m, k, n] = [90, 300, 70];
    const rng = new Rng(5);
    heap().set(reluLike(m * k, 0.1, rng), 16);
    heap().set(randomValues([k * n], rng), 16 + m * k);
    const [a, b, c1, c2] = [64, 64 + m * k * 4, 64 + (m * k + k * n) * 4, 64 + (m * k + k * n + m * n) * 4];
    const packed = c2 + m * n * 4;
    const scratch = packed + k * n * 4;
    kernels.packPanels32(b, n * 4, k, n, packed);
    kernels.sparseRowsProduct(a, k * 4, b, n * 4, packed, c1, n * 4, 0, m, n, k, 32, scratch);
    for (const [from, to] of [
      [0, 17],
      [17, 64],
      [64, 90],
    ])
      kernels.sparseRowsProduct(a, k * 4, b, n * 4, packed, c2, n * 4, from!, to!, n, k, 32, scratch);
    expect(Array.from(heap().slice(c2 / 4, c2 / 4 + m * n))).toEqual(Array.from(heap().slice(c1 / 4, c1 / 4 + m * n)));
  });
});

describe('wasm matmul through the sparse product', () => {
  let taken = 0;
  const counting = (backend: Parameters<typeof sparseRowsRunner>[0]): SparseRowsRunner | null => {
    const runner = sparseRowsRunner(backend);
    if (!runner) return null;
    return {
      ...runner,
      kernels: {
        ...runner.kernels,
        sparseRowsProduct: (...args: Parameters<SparseRowsRunner['kernels']['sparseRowsProduct']>) => {
          taken++;
          runner.kernels.sparseRowsProduct(...args);
        },
      },
    };
  };
  let restore = () => {};

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    restore = replaceWasmKernels(wasmTransposedMatMulConfigs(undefined, undefined, counting));
  });
  afterAll(() => restore());

  const product = (a: number[], av: Float32Array, b: number[], bv: Float32Array) => () => tf.matMul(tf.tensor(av, a), tf.tensor(bv, b));

  it("a ReLU output times USE-lite's feed-forward weight ([64, 1536] x [1536, 512]) equals cpu, skipping zeros", async () => {
    const rng = new Rng(11);
    const av = reluLike(64 * 1536, 0.08, rng);
    const bv = randomValues([1536, 512], rng, 0.05);
    const [cpu] = await onBackend('cpu', product([64, 1536], av, [1536, 512], bv));
    const before = taken;
    const [wasm] = await onBackend('wasm', product([64, 1536], av, [1536, 512], bv));
    expect(taken).toBeGreaterThan(before);
    for (let i = 0; i < cpu!.length; i++) expect(Math.abs(wasm![i]! - cpu![i]!)).toBeLessThan(1e-5);
  });

  it('batched products (one B for all, and one B per product) equal cpu', async () => {
    const rng = new Rng(12);
    for (const [a, b] of [
      [
        [3, 40, 300],
        [300, 70],
      ],
      [
        [2, 64, 128],
        [2, 128, 40],
      ],
      [
        [64, 128],
        [3, 128, 40],
      ],
    ] as const) {
      const av = reluLike(
        a.reduce((x, y) => x * y, 1),
        0.1,
        rng,
      );
      const bv = randomValues([...b], rng);
      const [cpu] = await onBackend('cpu', product([...a], av, [...b], bv));
      const before = taken;
      const [wasm] = await onBackend('wasm', product([...a], av, [...b], bv));
      expect(taken, JSON.stringify([a, b])).toBeGreaterThan(before);
      for (let i = 0; i < cpu!.length; i++) expect(Math.abs(wasm![i]! - cpu![i]!)).toBeLessThan(1e-4);
    }
  });

  it('leaves dense A, transposed operands and an infinite B to the GEMM (0 x inf stays NaN, as on cpu)', async () => {
    const rng = new Rng(13);
    const dense = randomValues([128, 256], rng);
    const sparse = reluLike(128 * 256, 0.05, rng);
    const bv = randomValues([256, 64], rng);
    const withInf = Float32Array.from(bv);
    withInf[5 * 64 + 3] = Number.POSITIVE_INFINITY;
    const cases = [
      { why: `dense A (over ${SPARSE_MAX_DENSITY} nonzeros)`, run: product([128, 256], dense, [256, 64], bv) },
      { why: 'A transposed', run: () => tf.matMul(tf.tensor(sparse, [256, 128]), tf.tensor(bv, [256, 64]), true, false) },
      { why: 'an infinity in B', run: product([128, 256], sparse, [256, 64], withInf) },
    ];
    for (const { why, run } of cases) {
      const [cpu] = await onBackend('cpu', run);
      const before = taken;
      const [wasm] = await onBackend('wasm', run);
      expect(taken, why).toBe(before);
      for (let i = 0; i < cpu!.length; i++) {
        if (!Number.isFinite(cpu![i]!)) expect(wasm![i], why).toBe(cpu![i]);
        else expect(Math.abs(wasm![i]! - cpu![i]!), why).toBeLessThan(1e-4 * (1 + Math.abs(cpu![i]!)));
      }
    }
  });

  it('gradients of a ReLU feed-forward block through it equal cpu, and no backend data leaks', async () => {
    const rng = new Rng(14);
    const x = randomValues([96, 64], rng);
    const w1 = randomValues([64, 384], rng, 0.1);
    // Biases near -1 leave about a tenth of the hidden units on, as in a trained ReLU layer.
    const b1 = randomValues([384], rng, 0.1).map((v) => v - 1);
    const w2 = randomValues([384, 64], rng, 0.1);
    const grads = () => {
      const f = (xs: tf.Tensor, a: tf.Tensor, b: tf.Tensor) =>
        tf
          .relu(tf.add(xs.matMul(a), tf.tensor(b1)))
          .matMul(b)
          .square()
          .sum();
      const [gx, g1, g2] = tf.grads(f)([tf.tensor(x, [96, 64]), tf.tensor(w1, [64, 384]), tf.tensor(w2, [384, 64])]);
      return [gx!, g1!, g2!];
    };
    const cpu = await onBackend('cpu', grads);
    const before = taken;
    const wasm = await onBackend('wasm', grads);
    expect(taken).toBeGreaterThan(before);
    for (let t = 0; t < 3; t++) {
      for (let i = 0; i < cpu[t]!.length; i++) expect(Math.abs(wasm[t]![i]! - cpu[t]![i]!)).toBeLessThan(1e-4 * (1 + Math.abs(cpu[t]![i]!)));
    }
    await tf.setBackend('wasm');
    const ids = numDataIds();
    const tensors = tf.memory().numTensors;
    for (let s = 0; s < 3; s++) tf.dispose(tf.tidy(grads));
    expect(numDataIds()).toBe(ids);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
