import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend } from '../src/index.js';
import { isPointwise, wasmPointwiseConv2dConfig } from '../src/kernels/wasm/conv2d-pointwise.js';
import { type GemmRunner, gemmRunner } from '../src/kernels/wasm/gemm-product.js';
import { numDataIds, onBackend, randomValues, replaceWasmKernels } from './helpers.js';

describe('wasm Conv2D with a 1 x 1 filter as a matrix product', () => {
  let taken = 0;
  const counting = (backend: Parameters<typeof gemmRunner>[0]): GemmRunner | null => {
    const runner = gemmRunner(backend);
    if (!runner) return null;
    return {
      ...runner,
      kernels: {
        ...runner.kernels,
        gemm: (...args: Parameters<GemmRunner['kernels']['gemm']>) => {
          taken++;
          runner.kernels.gemm(...args);
        },
      },
    };
  };
  let restore = () => {};

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    restore = replaceWasmKernels([wasmPointwiseConv2dConfig(counting)!]);
  });
  afterAll(() => restore());

  it('isPointwise accepts only filters and attributes that leave a plain product', () => {
    expect(isPointwise([1, 1, 8, 4], { strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC' })).toBe(true);
    expect(isPointwise([1, 1, 8, 4], { strides: 1, pad: 'same' })).toBe(true);
    expect(
      isPointwise([1, 1, 8, 4], {
        strides: 1,
        pad: [
          [0, 0],
          [0, 0],
          [0, 0],
          [0, 0],
        ],
      }),
    ).toBe(true);
    expect(isPointwise([3, 3, 8, 4], { strides: 1, pad: 'same' })).toBe(false);
    expect(isPointwise([1, 1, 8, 4], { strides: [2, 2], pad: 'valid' })).toBe(false);
    expect(isPointwise([1, 1, 8, 4], { strides: 1, dilations: [2, 2], pad: 'valid' })).toBe(false);
    expect(
      isPointwise([1, 1, 8, 4], {
        strides: 1,
        pad: [
          [0, 0],
          [1, 0],
          [0, 0],
          [0, 0],
        ],
      }),
    ).toBe(false);
    expect(isPointwise([1, 1, 8, 4], { strides: 1, pad: 'valid', dataFormat: 'NCHW' })).toBe(false);
  });

  // USE-lite's projections (its channels; fewer tokens, as the cpu reference is slow):
  // [B, L, 1, 512] x [1, 1, 512, 1536] and [B, L, 1, 256] x [1, 1, 256, 768]; an image-like map;
  // odd sizes at the GEMM's tile edges.
  const CASES: Array<{ x: number[]; f: number[]; pad: 'valid' | 'same' }> = [
    { x: [1, 32, 1, 512], f: [1, 1, 512, 1536], pad: 'valid' },
    { x: [2, 12, 1, 256], f: [1, 1, 256, 768], pad: 'same' },
    { x: [3, 7, 5, 33], f: [1, 1, 33, 17], pad: 'same' },
    { x: [1, 1, 1, 3], f: [1, 1, 3, 2], pad: 'valid' },
  ];
  for (const { x, f, pad } of CASES) {
    it(`conv2d ${JSON.stringify(x)} * ${JSON.stringify(f)} (${pad}) equals cpu, through the GEMM`, async () => {
      const rng = new Rng(x[3]! * 7 + f[3]!);
      const xv = randomValues(x, rng);
      const fv = randomValues(f, rng, 0.1);
      const run = () => tf.conv2d(tf.tensor4d(xv, x as [number, number, number, number]), tf.tensor4d(fv, f as [number, number, number, number]), 1, pad);
      const [cpu] = await onBackend('cpu', run);
      const before = taken;
      const [wasm] = await onBackend('wasm', run);
      expect(taken).toBeGreaterThan(before);
      expect(wasm!.length).toBe(cpu!.length);
      for (let i = 0; i < cpu!.length; i++) expect(Math.abs(wasm![i]! - cpu![i]!)).toBeLessThan(2e-6 * x[3]!);
    });
  }

  it('other convolutions (3 x 3, strided 1 x 1) keep the stock kernel and its values', async () => {
    const rng = new Rng(9);
    const xv = randomValues([2, 9, 9, 6], rng);
    const f3 = randomValues([3, 3, 6, 4], rng, 0.1);
    const f1 = randomValues([1, 1, 6, 4], rng, 0.1);
    for (const run of [
      () => tf.conv2d(tf.tensor4d(xv, [2, 9, 9, 6]), tf.tensor4d(f3, [3, 3, 6, 4]), 1, 'same'),
      () => tf.conv2d(tf.tensor4d(xv, [2, 9, 9, 6]), tf.tensor4d(f1, [1, 1, 6, 4]), 2, 'valid'),
    ]) {
      const [cpu] = await onBackend('cpu', run);
      const before = taken;
      const [wasm] = await onBackend('wasm', run);
      expect(taken).toBe(before);
      for (let i = 0; i < cpu!.length; i++) expect(Math.abs(wasm![i]! - cpu![i]!)).toBeLessThan(1e-5);
    }
  });

  it('the gradient with respect to x (stock Conv2DBackpropInput after our forward) equals cpu, and nothing leaks', async () => {
    const rng = new Rng(10);
    const xv = randomValues([2, 16, 1, 64], rng);
    const fv = randomValues([1, 1, 64, 96], rng, 0.1);
    const filter = () => tf.tensor4d(fv, [1, 1, 64, 96]);
    const grad = () =>
      tf.grad((x: tf.Tensor) =>
        tf
          .conv2d(x as tf.Tensor4D, filter(), 1, 'valid')
          .square()
          .sum(),
      )(tf.tensor4d(xv, [2, 16, 1, 64]));
    const [cpu] = await onBackend('cpu', grad);
    const [wasm] = await onBackend('wasm', grad);
    for (let i = 0; i < cpu!.length; i++) expect(Math.abs(wasm![i]! - cpu![i]!)).toBeLessThan(1e-4 * (1 + Math.abs(cpu![i]!)));
    await tf.setBackend('wasm');
    const ids = numDataIds();
    const tensors = tf.memory().numTensors;
    for (let s = 0; s < 3; s++) tf.dispose(tf.tidy(grad));
    expect(numDataIds()).toBe(ids);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
