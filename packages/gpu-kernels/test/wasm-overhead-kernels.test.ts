import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend } from '../src/index.js';
import { outerReduction } from '../src/kernels/wasm/outer-axes-reduce.js';
import { maxAbsDiff, numDataIds, onBackend, randomValues } from './helpers.js';

// Every reduction kind the override takes (outer, middle, several axes, keepDims, negative axes)
// and ones it must leave to stock (innermost, all axes, int32).
const REDUCTIONS: { shape: number[]; axis: number | number[]; keepDims: boolean }[] = [
  { shape: [37, 9], axis: 0, keepDims: false },
  { shape: [37, 9], axis: [0], keepDims: true },
  { shape: [5, 7, 6], axis: 1, keepDims: false },
  { shape: [5, 7, 6], axis: [0, 1], keepDims: false },
  { shape: [5, 7, 6], axis: [-2], keepDims: true },
  { shape: [2, 3, 4, 5], axis: [1, 2], keepDims: false },
  { shape: [3, 1, 4], axis: 1, keepDims: false },
  { shape: [6, 5], axis: 1, keepDims: false },
  { shape: [4, 5, 6], axis: [0, 2], keepDims: false },
  { shape: [4, 5], axis: [0, 1], keepDims: true },
];

/** The same reduction with steerable's kernels and with stock tfjs-wasm. */
async function bothWays(fn: () => tf.Tensor | tf.Tensor[]): Promise<{ ours: Float32Array[]; stock: Float32Array[] }> {
  await initBackend({ backend: 'wasm' });
  const ours = await onBackend('wasm', fn);
  await initBackend({ backend: 'wasm', steerableKernels: false });
  const stock = await onBackend('wasm', fn);
  await initBackend({ backend: 'wasm' });
  return { ours, stock };
}

describe('wasm overhead kernels (shared Identity, Sum/Mean over outer axes)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('takes exactly the consecutive non-innermost axis blocks', () => {
    expect(outerReduction([2560, 256], 0, false)).toEqual({ outer: 1, reduced: 2560, inner: 256, outShape: [256] });
    expect(outerReduction([64, 40, 256], [1], true)).toEqual({ outer: 64, reduced: 40, inner: 256, outShape: [64, 1, 256] });
    expect(outerReduction([6, 5], 1, false)).toBeNull();
    expect(outerReduction([4, 5, 6], [0, 2], false)).toBeNull();
    expect(outerReduction([4, 5], [0, 1], false)).toBeNull();
  });

  it('Sum and Mean equal stock tfjs-wasm and a direct float64 sum, values and shapes', async () => {
    const rng = new Rng(7);
    for (const c of REDUCTIONS) {
      const x = randomValues(c.shape, rng);
      for (const op of [tf.sum, tf.mean]) {
        let shapes: number[][] = [];
        const run = () => {
          const out = op(tf.tensor(x, c.shape), c.axis, c.keepDims);
          shapes.push(out.shape);
          return out;
        };
        const { ours, stock } = await bothWays(run);
        expect(shapes[0], JSON.stringify(c)).toEqual(shapes[1]);
        expect(maxAbsDiff(ours[0]!, stock[0]!), JSON.stringify(c)).toBeLessThan(1e-5);
        shapes = [];
      }
    }
    // Independent of both: column sums of [37, 9] in float64.
    const x = randomValues([37, 9], rng);
    const direct = Array.from({ length: 9 }, (_, j) => Array.from({ length: 37 }, (_, i) => x[i * 9 + j]!).reduce((a, b) => a + b, 0));
    const [sums] = await onBackend('wasm', () => tf.sum(tf.tensor2d(x, [37, 9]), 0));
    expect(maxAbsDiff(sums!, direct)).toBeLessThan(1e-5);
  });

  it('int32 sums keep the stock path and its dtype', async () => {
    await tf.setBackend('wasm');
    const out = tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0);
    expect(out.dtype).toBe('int32');
    expect(Array.from(await out.data())).toEqual([9, 12]);
    out.dispose();
  });

  it('gradients through bias adds, broadcast adds and BatchNorm-style moments equal stock wasm', async () => {
    const rng = new Rng(8);
    const xv = randomValues([23, 6], rng);
    const bv = randomValues([6], rng);
    const zv = randomValues([4, 1, 6], rng);
    const yv = randomValues([4, 5, 6], rng);
    const run = () => {
      const f = (x: tf.Tensor, b: tf.Tensor, z: tf.Tensor, y: tf.Tensor) => {
        const h = tf.add(x, b);
        const { mean, variance } = tf.moments(h, 0);
        const normed = tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5)));
        return tf.add(tf.sum(tf.square(normed)), tf.sum(tf.mul(tf.add(y, z), y)));
      };
      return tf.grads(f)([tf.tensor(xv, [23, 6]), tf.tensor(bv, [6]), tf.tensor(zv, [4, 1, 6]), tf.tensor(yv, [4, 5, 6])]);
    };
    const { ours, stock } = await bothWays(run);
    for (let i = 0; i < ours.length; i++) expect(maxAbsDiff(ours[i]!, stock[i]!)).toBeLessThan(1e-4);
  });

  it('Identity shares the buffer: clones cost no data, either side outlives the other, nothing leaks under a tape', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor1d([1, 2, 3]);
    const dataBefore = numDataIds();
    const y = tf.clone(x);
    expect(numDataIds()).toBe(dataBefore);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3]);
    const z = tf.clone(y);
    y.dispose();
    expect(Array.from(await z.data())).toEqual([1, 2, 3]);
    z.dispose();

    const w = tf.variable(tf.randomNormal([8, 4]));
    const input = tf.randomNormal([16, 8]);
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.matMul(input, w))), [w]);
      tf.tidy(() => w.assign(tf.sub(w, tf.mul(grads[w.name]!, 1e-3))));
      tf.dispose([value, grads[w.name]!]);
    };
    step();
    const tensors = tf.memory().numTensors;
    const data = numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(numDataIds()).toBe(data);
    tf.dispose([w, input]);
  });
});
