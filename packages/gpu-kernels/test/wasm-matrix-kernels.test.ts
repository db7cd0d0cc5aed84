import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, silentLogger } from '@steerable/core';
import { initBackend, registerSteerableKernels } from '../src/index.js';
import { type HeapMatrixOps, jsMatrixOps, matrixSimdKernels, simdMatrixOps } from '../src/kernels/wasm/matrix-simd.js';
import { webAssembly } from '../src/kernels/wasm/simd-module.js';
import { swapsLastTwo, wasmTransposeConfig } from '../src/kernels/wasm/transpose-last-two.js';
import { wasmTransposedMatMulConfigs } from '../src/kernels/wasm/batch-mat-mul-transposed.js';
import { numDataIds, onBackend, randomValues, relativeDiff, withWasmKernels } from './helpers.js';

const { Memory } = webAssembly!;

// Square-tile edges (32 SIMD, 16 JS), 4x4-block edges, unit axes, odd batch shapes.
const TRANSPOSE_SHAPES: number[][] = [
  [1, 1],
  [1, 9],
  [9, 1],
  [2, 3],
  [4, 4],
  [5, 7],
  [8, 12],
  [13, 17],
  [32, 32],
  [33, 65],
  [37, 70],
  [64, 31],
  [100, 3],
  [3, 100],
  [3, 5, 6],
  [2, 33, 9],
  [2, 3, 4, 5],
  [2, 2, 17, 35],
  [4, 1, 6],
  [3, 6, 1],
];
const EMPTY_SHAPES: number[][] = [
  [0, 5],
  [5, 0],
  [3, 0, 4],
  [0, 2, 3],
];

function referenceTranspose(x: Float32Array, batch: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < batch; b++)
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[b * rows * cols + c * rows + r] = x[b * rows * cols + r * cols + c]!;
  return out;
}

/** Values with the bit patterns a transpose must keep: signed zeros, NaN, infinities, denormals. */
function transposeValues(size: number, rng: Rng): Float32Array {
  const x = randomValues([size], rng);
  const special = [-0, Number.NaN, Infinity, -Infinity, 1e-40, -3.4e38];
  for (let i = 0; i < size; i += 7) x[i] = special[(i / 7) % special.length]!;
  return x;
}

const bitsOf = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

/** The kernels of this package with the JS fallback ops, as on an engine without wasm SIMD. */
const jsKernelConfigs = () => [wasmTransposeConfig(() => jsMatrixOps)!, ...wasmTransposedMatMulConfigs(() => jsMatrixOps)];

describe('matrix SIMD module and its JS fallback', () => {
  // Each ops set on its own heap: the SIMD ops on unshared and shared memories, and the JS ops.
  const heaps: { name: string; make: () => { ops: HeapMatrixOps; buffer: ArrayBufferLike } }[] = [
    ...[false, true].map((shared) => ({
      name: shared ? 'SIMD, shared memory' : 'SIMD, unshared memory',
      make: () => {
        const memory = new Memory(shared ? { initial: 128, maximum: 128, shared: true } : { initial: 128 });
        const kernels = matrixSimdKernels(memory);
        expect(kernels).not.toBeNull();
        return { ops: simdMatrixOps(kernels!), buffer: memory.buffer };
      },
    })),
    { name: 'JS', make: () => ({ ops: jsMatrixOps, buffer: new ArrayBuffer(128 * 65536) }) },
  ];

  for (const heap of heaps) {
    it(`${heap.name}: transpose keeps every bit, at every shape and heap offset`, () => {
      const { ops, buffer } = heap.make();
      const rng = new Rng(11);
      for (const shape of TRANSPOSE_SHAPES) {
        const [rows, cols] = shape.slice(-2) as [number, number];
        const batch = shape.slice(0, -2).reduce((a, b) => a * b, 1);
        const size = batch * rows * cols;
        for (const offset of [0, 4, 12]) {
          const x = new Float32Array(buffer, 64 + offset, size);
          x.set(transposeValues(size, rng));
          const out = new Float32Array(buffer, 1 << 21, size);
          out.fill(7);
          ops.transpose(x, out, batch, rows, cols);
          expect(bitsOf(out), JSON.stringify({ shape, offset })).toEqual(bitsOf(referenceTranspose(x, batch, rows, cols)));
        }
      }
    });

    it(`${heap.name}: matVec equals float64 dot products`, () => {
      const { ops, buffer } = heap.make();
      const rng = new Rng(12);
      for (const [rows, k] of [
        [1, 1],
        [1, 9],
        [3, 1],
        [5, 3],
        [7, 4],
        [6, 8],
        [9, 13],
        [17, 37],
        [256, 2560],
        [3, 1001],
      ] as const) {
        const mat = new Float32Array(buffer, 8, rows * k);
        mat.set(randomValues([rows * k], rng));
        const vec = new Float32Array(buffer, 4 + (3 << 20), k);
        vec.set(randomValues([vec.length], rng));
        const out = new Float32Array(buffer, 4 << 20, rows);
        ops.matVec(mat, vec, out, rows, k);
        const dots = Array.from({ length: rows }, (_, i) => Array.from({ length: k }, (_, j) => mat[i * k + j]! * vec[j]!).reduce((a, b) => a + b, 0));
        expect(relativeDiff(out.subarray(0, rows), dots), `matVec ${rows}x${k}`).toBeLessThan(1e-5);
      }
    });
  }

  it('the SIMD transpose is exact at every square size it may be given', () => {
    const memory = new Memory({ initial: 128 });
    const kernels = matrixSimdKernels(memory)!;
    const rng = new Rng(13);
    for (const tile of [4, 8, 32, 64, 128]) {
      for (const [batch, rows, cols] of [
        [1, 70, 130],
        [2, 129, 67],
        [1, 256, 4],
      ] as const) {
        const size = batch * rows * cols;
        const x = new Float32Array(memory.buffer, 16, size);
        x.set(transposeValues(size, rng));
        const out = new Float32Array(memory.buffer, 1 << 21, size);
        kernels.transpose(x.byteOffset, out.byteOffset, batch, rows, cols, tile);
        expect(bitsOf(out), JSON.stringify({ tile, batch, rows, cols })).toEqual(bitsOf(referenceTranspose(x, batch, rows, cols)));
      }
    }
  });

  it('takes exactly the permutations that swap the last two axes', () => {
    expect(swapsLastTwo([1, 0])).toBe(true);
    expect(swapsLastTwo([0, 1, 3, 2])).toBe(true);
    expect(swapsLastTwo([0, 1])).toBe(false);
    expect(swapsLastTwo([1, 0, 2])).toBe(false);
    expect(swapsLastTwo([0, 2, 1, 3])).toBe(false);
    expect(swapsLastTwo([2, 1, 0])).toBe(false);
    expect(swapsLastTwo([0])).toBe(false);
  });
});

// GEMV shapes: one row of op(A) or one column of op(B), every transpose combination, batches.
const GEMV_CASES: { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [];
for (const [m, k, n] of [
  [1, 37, 5],
  [6, 37, 1],
  [1, 1, 9],
  [9, 1, 1],
  [1, 9, 1],
  [1, 300, 70],
  [70, 301, 1],
  [1, 8, 4],
] as const) {
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      GEMV_CASES.push({ a: transposeA ? [k, m] : [m, k], b: transposeB ? [n, k] : [k, n], transposeA, transposeB });
    }
  }
}
for (const [transposeA, transposeB] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const) {
  const t = (shape: number[], flip: boolean) => (flip ? [...shape.slice(0, -2), shape.at(-1)!, shape.at(-2)!] : shape);
  GEMV_CASES.push({ a: t([3, 1, 7], transposeA), b: t([3, 7, 5], transposeB), transposeA, transposeB });
  GEMV_CASES.push({ a: t([1, 1, 7], transposeA), b: t([4, 7, 1], transposeB), transposeA, transposeB });
  GEMV_CASES.push({ a: t([2, 3, 5, 6], transposeA), b: t([2, 3, 6, 1], transposeB), transposeA, transposeB });
  GEMV_CASES.push({ a: t([4, 5, 6], transposeA), b: t([6, 1], transposeB), transposeA, transposeB });
  GEMV_CASES.push({ a: t([1, 6], transposeA), b: t([2, 2, 6, 3], transposeB), transposeA, transposeB });
  // Not GEMV, but a unit axis in a transposed operand (the reshaped-view path), and plain shapes.
  GEMV_CASES.push({ a: t([5, 1], transposeA), b: t([1, 4], transposeB), transposeA, transposeB });
  GEMV_CASES.push({ a: t([2, 6, 1], transposeA), b: t([2, 1, 3], transposeB), transposeA, transposeB });
  GEMV_CASES.push({ a: t([33, 17], transposeA), b: t([17, 40], transposeB), transposeA, transposeB });
}

describe('wasm Transpose and matmul overrides', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    registerSteerableKernels('cpu', silentLogger);
  });
  afterAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  const variants: { name: string; run: (fn: () => Promise<void>) => Promise<void> }[] = [
    { name: 'SIMD', run: (fn) => fn() },
    { name: 'JS fallback', run: (fn) => withWasmKernels(jsKernelConfigs(), fn) },
  ];

  for (const variant of variants) {
    it(`${variant.name}: tf.transpose equals cpu exactly, and other permutations and dtypes still work`, async () => {
      await variant.run(async () => {
        const rng = new Rng(21);
        for (const shape of [...TRANSPOSE_SHAPES, ...EMPTY_SHAPES]) {
          const x = transposeValues(
            shape.reduce((a, b) => a * b, 1),
            rng,
          );
          const perm = [...shape.keys()];
          perm.splice(-2, 2, shape.length - 1, shape.length - 2);
          const run = () => tf.transpose(tf.tensor(x, shape), perm);
          const [onCpu] = await onBackend('cpu', run);
          const [onWasm] = await onBackend('wasm', run);
          expect(bitsOf(onWasm!), JSON.stringify(shape)).toEqual(bitsOf(onCpu!));
          const ours = await onBackend('wasm', () => tf.transpose(tf.tensor(x, shape)));
          const cpus = await onBackend('cpu', () => tf.transpose(tf.tensor(x, shape)));
          expect(bitsOf(ours[0]!)).toEqual(bitsOf(cpus[0]!));
        }
        const x = randomValues([2, 3, 4], rng);
        for (const perm of [
          [1, 0, 2],
          [2, 0, 1],
          [0, 2, 1],
        ]) {
          const [onCpu] = await onBackend('cpu', () => tf.transpose(tf.tensor(x, [2, 3, 4]), perm));
          const [onWasm] = await onBackend('wasm', () => tf.transpose(tf.tensor(x, [2, 3, 4]), perm));
          expect(Array.from(onWasm!), JSON.stringify(perm)).toEqual(Array.from(onCpu!));
        }
        await tf.setBackend('wasm');
        const ints = tf.transpose(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'));
        expect(ints.dtype).toBe('int32');
        expect(Array.from(await ints.data())).toEqual([1, 4, 2, 5, 3, 6]);
        ints.dispose();
      });
    });

    it(`${variant.name}: matmul equals cpu on GEMV shapes, every transpose combination, batched and broadcast`, async () => {
      await variant.run(async () => {
        const rng = new Rng(22);
        for (const c of GEMV_CASES) {
          const a = randomValues(c.a, rng);
          const b = randomValues(c.b, rng);
          const run = () => tf.matMul(tf.tensor(a, c.a), tf.tensor(b, c.b), c.transposeA, c.transposeB);
          const [onCpu] = await onBackend('cpu', run);
          const shapes: number[][] = [];
          const [onWasm] = await onBackend('wasm', () => {
            const out = run();
            shapes.push(out.shape);
            return out;
          });
          expect(shapes[0], JSON.stringify(c)).toEqual(
            tf.tidy(() => {
              tf.setBackend('cpu');
              return run().shape;
            }),
          );
          expect(relativeDiff(onWasm!, onCpu!), JSON.stringify(c)).toBeLessThan(1e-5);
        }
        await tf.setBackend('wasm');
      });
    });

    it(`${variant.name}: fused matmul on GEMV shapes, with and without bias and activation, equals cpu`, async () => {
      await variant.run(async () => {
        const rng = new Rng(23);
        for (const c of GEMV_CASES.filter((x) => x.a.length === 2 && x.b.length === 2)) {
          const a = randomValues(c.a, rng);
          const b = randomValues(c.b, rng);
          const n = c.transposeB ? c.b[0]! : c.b[1]!;
          const bias = randomValues([n], rng);
          for (const withEpilogue of [false, true]) {
            const run = () =>
              tf.fused.matMul({
                a: tf.tensor2d(a, c.a as [number, number]),
                b: tf.tensor2d(b, c.b as [number, number]),
                transposeA: c.transposeA,
                transposeB: c.transposeB,
                ...(withEpilogue ? { bias: tf.tensor1d(bias), activation: 'relu' as const } : {}),
              });
            const [onCpu] = await onBackend('cpu', run);
            const [onWasm] = await onBackend('wasm', run);
            expect(relativeDiff(onWasm!, onCpu!), JSON.stringify({ ...c, withEpilogue })).toBeLessThan(1e-5);
          }
        }
        await tf.setBackend('wasm');
      });
    });
  }

  it('gradients of a small MLP (a one-unit head: GEMV products) on wasm equal cpu', async () => {
    const rng = new Rng(24);
    const values = {
      x: randomValues([50, 13], rng),
      w1: randomValues([13, 16], rng, 0.3),
      b1: randomValues([16], rng),
      w2: randomValues([16, 1], rng, 0.3),
      b2: randomValues([1], rng),
    };
    const gradsOn = async (backend: string) => {
      await tf.setBackend(backend);
      const vars = {
        w1: tf.variable(tf.tensor2d(values.w1, [13, 16])),
        b1: tf.variable(tf.tensor1d(values.b1)),
        w2: tf.variable(tf.tensor2d(values.w2, [16, 1])),
        b2: tf.variable(tf.tensor1d(values.b2)),
      };
      const x = tf.tensor2d(values.x, [50, 13]);
      const out = await onBackend(backend, () => {
        const { grads } = tf.variableGrads(() => {
          const h = tf.relu(tf.add(tf.matMul(x, vars.w1), vars.b1));
          const y = tf.add(tf.matMul(h, vars.w2), vars.b2);
          return tf.sum(tf.square(tf.sub(y, tf.div(tf.matMul(tf.ones([1, 50]), y), 50))));
        }, Object.values(vars));
        return Object.values(vars).map((v) => grads[v.name]!);
      });
      tf.dispose([...Object.values(vars), x]);
      return out;
    };
    const onCpu = await gradsOn('cpu');
    const onWasm = await gradsOn('wasm');
    for (let i = 0; i < onCpu.length; i++) expect(relativeDiff(onWasm[i]!, onCpu[i]!), `gradient ${i}`).toBeLessThan(1e-5);
  });

  it('leaks no tensors or backend data (transposes, GEMV, transposed and unit-axis matmuls, fused)', async () => {
    for (const variant of variants) {
      await variant.run(async () => {
        await tf.setBackend('wasm');
        const a = tf.randomNormal([16, 8]);
        const v = tf.randomNormal([16, 1]);
        const row = tf.randomNormal([1, 8]);
        const bias = tf.randomNormal([16]);
        const step = () => {
          const outs = [
            tf.transpose(a),
            tf.transpose(v),
            tf.transpose(tf.reshape(a, [2, 8, 8]), [0, 2, 1]),
            tf.matMul(a, v, true, false),
            tf.matMul(v, a, true, false),
            tf.matMul(row, a, false, true),
            tf.matMul(a, a, true, false),
            tf.matMul(row, row, true, false),
            tf.fused.matMul({ a: row, b: a, transposeB: true, bias, activation: 'relu' }),
            tf.fused.matMul({ a, b: row, transposeB: true }),
          ];
          tf.dispose(outs);
        };
        step();
        const tensors = tf.memory().numTensors;
        const data = numDataIds();
        for (let i = 0; i < 3; i++) tf.tidy(step);
        expect(tf.memory().numTensors, variant.name).toBe(tensors);
        expect(numDataIds(), variant.name).toBe(data);
        tf.dispose([a, v, row, bias]);
      });
    }
  });
});
