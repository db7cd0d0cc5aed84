import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend } from '../src/index.js';
import { copyBox } from '../src/kernels/wasm/slice-heap-view.js';
import { numDataIds, onBackend, randomValues } from './helpers.js';

// Contiguous boxes (leading-axis ranges, whole rows), boxes cut on inner axes, a scalar, an empty
// box, rank 5 (past stock's rank-4 loops), and the NP-BTL step's shapes.
const SLICES: { shape: number[]; begin: number[]; size: number[] }[] = [
  { shape: [8192, 4], begin: [4096, 0], size: [4096, 4] },
  { shape: [10, 7], begin: [3, 2], size: [4, 3] },
  { shape: [10, 7], begin: [0, 6], size: [10, 1] },
  { shape: [4, 5, 6], begin: [1, 0, 0], size: [2, 5, 6] },
  { shape: [4, 5, 6], begin: [0, 2, 1], size: [4, 2, 4] },
  { shape: [4, 5, 6], begin: [3, 4, 5], size: [1, 1, 1] },
  { shape: [2, 3, 4, 5, 6], begin: [1, 0, 2, 1, 0], size: [1, 3, 2, 3, 6] },
  { shape: [2, 3, 4, 5, 6], begin: [0, 1, 0, 0, 3], size: [2, 2, 4, 5, 3] },
  { shape: [64, 3, 40], begin: [0, 1, 0], size: [64, 1, 40] },
  { shape: [5, 4], begin: [2, 0], size: [0, 4] },
  { shape: [], begin: [], size: [] },
];

/** The box by definition: every index of the output, mapped back into x. */
function referenceBox(x: Float32Array, shape: number[], begin: number[], size: number[]): Float32Array {
  const out = new Float32Array(size.reduce((a, b) => a * b, 1));
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  for (let o = 0; o < out.length; o++) {
    let rest = o;
    let offset = 0;
    for (let axis = size.length - 1; axis >= 0; axis--) {
      offset += (begin[axis]! + (rest % size[axis]!)) * strides[axis]!;
      rest = Math.floor(rest / size[axis]!);
    }
    out[o] = x[offset]!;
  }
  return out;
}

describe('wasm Slice and SplitV over heap views', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('copyBox copies exactly the box, whatever axes it cuts', () => {
    const rng = new Rng(1);
    for (const c of SLICES) {
      const x = randomValues(c.shape, rng);
      const out = new Float32Array(c.size.reduce((a, b) => a * b, 1)).fill(Number.NaN);
      copyBox(x, c.shape, c.begin, c.size, out);
      expect(Array.from(out), JSON.stringify(c)).toEqual(Array.from(referenceBox(x, c.shape, c.begin, c.size)));
    }
  });

  it('tf.slice on wasm gives the cpu values bit for bit, float32 and int32', async () => {
    const rng = new Rng(2);
    // tf.slice refuses scalars before any kernel runs.
    for (const c of SLICES.filter((s) => s.shape.length > 0)) {
      const x = randomValues(c.shape, rng);
      const ints = Int32Array.from(x, (v) => Math.round(v * 1000));
      for (const values of [x, ints]) {
        const run = () => tf.slice(tf.tensor(values, c.shape), c.begin, c.size);
        const [cpu] = await onBackend('cpu', run);
        const [wasm] = await onBackend('wasm', run);
        expect(Array.from(wasm!), JSON.stringify(c)).toEqual(Array.from(cpu!));
      }
    }
  });

  it('tf.split on wasm (equal and uneven pieces, every axis) gives the cpu pieces', async () => {
    const rng = new Rng(3);
    const x = randomValues([6, 9, 4], rng);
    for (const [splits, axis] of [
      [2, 0],
      [3, 1],
      [[1, 3, 5], 1],
      [[3, 1], -1],
      [[6], 0],
    ] as const) {
      const run = () => tf.split(tf.tensor(x, [6, 9, 4]), splits as number | number[], axis);
      const cpu = await onBackend('cpu', run);
      const wasm = await onBackend('wasm', run);
      expect(wasm.length).toBe(cpu.length);
      wasm.forEach((piece, i) => expect(Array.from(piece), `${JSON.stringify(splits)} on axis ${axis}`).toEqual(Array.from(cpu[i]!)));
    }
  });

  it('gradients through slices and a concat equal cpu, and nothing leaks', async () => {
    const rng = new Rng(4);
    const av = randomValues([5, 8], rng);
    const bv = randomValues([5, 3], rng);
    const grads = () => {
      const f = (a: tf.Tensor, b: tf.Tensor) => {
        const joined = tf.concat([a, b], 1);
        const [left, right] = tf.split(joined, [6, 5], 1);
        return tf.add(tf.sum(tf.square(left!)), tf.sum(tf.mul(tf.slice(right!, [1, 0], [3, 5]), 3)));
      };
      return tf.grads(f)([tf.tensor(av, [5, 8]), tf.tensor(bv, [5, 3])]);
    };
    const cpu = await onBackend('cpu', grads);
    const wasm = await onBackend('wasm', grads);
    for (let i = 0; i < 2; i++) expect(Array.from(wasm[i]!)).toEqual(Array.from(cpu[i]!));
    await tf.setBackend('wasm');
    const ids = numDataIds();
    for (let s = 0; s < 3; s++) tf.dispose(tf.tidy(grads));
    expect(numDataIds()).toBe(ids);
  });
});
