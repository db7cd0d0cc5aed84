import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend } from '../src/index.js';
import { keepsLastAxis, transposeRows } from '../src/kernels/wasm/transpose-keep-last-axis.js';
import { wasmTransposeConfig } from '../src/kernels/wasm/transpose-last-two.js';
import { numDataIds, onBackend, randomValues, replaceWasmKernels } from './helpers.js';

/** transpose(x, perm) by definition: every output index mapped back into x. */
function reference(x: Float32Array, shape: number[], perm: number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]!);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(x.length);
  for (let o = 0; o < out.length; o++) {
    let rest = o;
    let source = 0;
    for (let d = outShape.length - 1; d >= 0; d--) {
      source += (rest % outShape[d]!) * strides[perm[d]!]!;
      rest = Math.floor(rest / outShape[d]!);
    }
    out[o] = x[source]!;
  }
  return out;
}

describe('wasm Transpose keeping the last axis, as row copies', () => {
  let restore = () => {};
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', steerableKernels: false });
    restore = replaceWasmKernels([wasmTransposeConfig()!]);
  });
  afterAll(() => restore());

  it('keepsLastAxis: only permutations that move something and leave the last axis last', () => {
    expect(keepsLastAxis([0, 2, 1, 3])).toBe(true);
    expect(keepsLastAxis([2, 0, 1, 3])).toBe(true);
    expect(keepsLastAxis([1, 0, 2])).toBe(true);
    expect(keepsLastAxis([0, 1, 2, 3])).toBe(false);
    expect(keepsLastAxis([0, 1, 3, 2])).toBe(false);
    expect(keepsLastAxis([1, 0])).toBe(false);
  });

  // Attention's head split [B, L, H, D] -> [B, H, L, D] and merge (the same perm), rank 5, a
  // rotation of the leading axes, axes of size 1.
  const CASES: Array<{ shape: number[]; perm: number[] }> = [
    { shape: [4, 16, 4, 32], perm: [0, 2, 1, 3] },
    { shape: [3, 5, 7, 16], perm: [2, 0, 1, 3] },
    { shape: [6, 5, 20], perm: [1, 0, 2] },
    { shape: [2, 3, 1, 4, 16], perm: [3, 1, 0, 2, 4] },
    { shape: [1, 9, 1, 24], perm: [2, 1, 0, 3] },
  ];

  it('transposeRows equals the definition, within one heap and across two arrays', () => {
    const rng = new Rng(1);
    for (const { shape, perm } of CASES) {
      const x = randomValues(shape, rng);
      const expected = reference(x, shape, perm);
      const apart = new Float32Array(x.length);
      transposeRows(x, shape, perm, apart);
      expect(Array.from(apart), JSON.stringify({ shape, perm })).toEqual(Array.from(expected));
      const heap = new Float32Array(2 * x.length + 10);
      heap.set(x, 5);
      const inHeap = heap.subarray(x.length + 7, 2 * x.length + 7);
      transposeRows(heap.subarray(5, 5 + x.length), shape, perm, inHeap);
      expect(Array.from(inHeap)).toEqual(Array.from(expected));
    }
  });

  for (const { shape, perm } of [...CASES, { shape: [5, 6, 4], perm: [1, 0, 2] }]) {
    it(`tf.transpose ${JSON.stringify(shape)} by ${JSON.stringify(perm)} equals cpu for float32, int32 and bool${shape.at(-1)! < 16 ? ' (short rows: stock)' : ''}`, async () => {
      const rng = new Rng(shape.length * 31 + perm[0]!);
      const values = randomValues(shape, rng);
      for (const make of [
        () => tf.tensor(values, shape),
        () => tf.tensor(Int32Array.from(values, (v) => Math.round(v * 100)), shape, 'int32'),
        () => tf.tensor(values.map((v) => (v > 0 ? 1 : 0)), shape, 'bool'),
      ]) {
        const run = () => tf.transpose(make(), perm);
        const [cpu] = await onBackend('cpu', run);
        const [wasm] = await onBackend('wasm', run);
        expect(Array.from(wasm!)).toEqual(Array.from(cpu!));
      }
    });
  }

  it('the gradient through a head split (a transpose by the inverse permutation) equals cpu, and nothing leaks', async () => {
    const rng = new Rng(7);
    const x = randomValues([2, 8, 4, 16], rng);
    const w = randomValues([2, 4, 8, 16], rng);
    const grad = () => tf.grad((t: tf.Tensor) => tf.mul(tf.transpose(t, [0, 2, 1, 3]), tf.tensor(w, [2, 4, 8, 16])).sum())(tf.tensor(x, [2, 8, 4, 16]));
    const [cpu] = await onBackend('cpu', grad);
    const [wasm] = await onBackend('wasm', grad);
    expect(Array.from(wasm!)).toEqual(Array.from(cpu!));
    const ids = numDataIds();
    const tensors = tf.memory().numTensors;
    for (let s = 0; s < 3; s++) tf.dispose(tf.tidy(grad));
    expect(numDataIds()).toBe(ids);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
