import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend } from '../src/index.js';
import { columnSumsSimdKernels } from '../src/kernels/wasm/column-sums-simd.js';
import { sumMiddleAxis, wasmOuterAxesReduceConfigs } from '../src/kernels/wasm/outer-axes-reduce.js';
import { webAssembly } from '../src/kernels/wasm/simd-module.js';
import { numDataIds, onBackend, randomValues, withWasmKernels } from './helpers.js';

const { Memory } = webAssembly!;

describe('column sums SIMD module', () => {
  it('equals a float64 column sum at every 16/4/1-column tail, scaled, writing nothing past the output', () => {
    const memory = new Memory({ initial: 40 });
    const kernels = columnSumsSimdKernels(memory)!;
    expect(kernels).not.toBeNull();
    const heap = new Float32Array(memory.buffer);
    const rng = new Rng(1);
    for (const [rows, cols] of [
      [1, 1],
      [3, 5],
      [7, 16],
      [9, 21],
      [2560, 37],
      [1, 40],
      [0, 8],
    ] as const) {
      const x = randomValues([rows * cols], rng, 10);
      heap.set(x, 16);
      heap.fill(7, 16 + rows * cols, 16 + rows * cols + cols + 4);
      const out = 16 + rows * cols + 2;
      kernels.columnSums(64, rows, cols, 0.5, out * 4);
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += x[r * cols + j]!;
        expect(heap[out + j], `${rows} x ${cols}, column ${j}`).toBe(Math.fround(s * 0.5));
      }
      expect(heap[out + cols]).toBe(7);
      expect(heap[out - 1]).toBe(7);
    }
  });
});

describe('Sum and Mean over leading axes on wasm through the module', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('agree with the JS fallback on [outer, rows, cols] views, and with cpu', async () => {
    const rng = new Rng(6);
    const x = randomValues([4, 33, 19], rng);
    const js = new Float32Array(4 * 19);
    sumMiddleAxis(x, { outer: 4, reduced: 33, inner: 19, outShape: [4, 19] }, 1, js);
    const [wasm] = await onBackend('wasm', () => tf.sum(tf.tensor(x, [4, 33, 19]), 1));
    const [cpu] = await onBackend('cpu', () => tf.sum(tf.tensor(x, [4, 33, 19]), 1));
    for (let i = 0; i < js.length; i++) {
      expect(Math.abs(wasm![i]! - js[i]!)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(js[i]!)));
      expect(Math.abs(wasm![i]! - cpu![i]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(cpu![i]!)));
    }
  });

  it('BatchNorm-style gradients through the module equal the JS fallback, and nothing leaks', async () => {
    const rng = new Rng(5);
    const xv = randomValues([130, 20], rng);
    const bv = randomValues([20], rng);
    const grads = () =>
      tf.grads((x: tf.Tensor, b: tf.Tensor) => {
        const h = tf.add(x, b);
        const { mean, variance } = tf.moments(h, 0);
        return tf.sum(tf.square(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5)))));
      })([tf.tensor(xv, [130, 20]), tf.tensor(bv, [20])]);
    const simd = await onBackend('wasm', grads);
    const fallback = await withWasmKernels(
      wasmOuterAxesReduceConfigs(() => null),
      () => onBackend('wasm', grads),
    );
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < simd[i]!.length; j++) expect(Math.abs(simd[i]![j]! - fallback[i]![j]!)).toBeLessThan(1e-5 * (1 + Math.abs(fallback[i]![j]!)));
    await tf.setBackend('wasm');
    const ids = numDataIds();
    for (let s = 0; s < 3; s++) tf.dispose(tf.tidy(grads));
    expect(numDataIds()).toBe(ids);
  });
});
