import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend } from '../src/index.js';
import { gatherSlices, wasmGatherConfig } from '../src/kernels/wasm/gather-rows.js';
import { unsortedSegmentSumWasmConfig } from '../src/kernels/wasm/unsorted-segment-sum.js';
import { numDataIds, onBackend, randomValues, replaceWasmKernels } from './helpers.js';

describe('wasm GatherV2 as slice copies', () => {
  let restore = () => {};
  beforeAll(async () => {
    // Stock wasm with only this kernel replaced, and the gradient of gather that stock lacks.
    await initBackend({ backend: 'wasm', steerableKernels: false });
    restore = replaceWasmKernels([wasmGatherConfig()!]);
    tf.registerKernel(unsortedSegmentSumWasmConfig);
  });
  afterAll(() => {
    restore();
    tf.unregisterKernel(tf.UnsortedSegmentSum, 'wasm');
  });

  it('gatherSlices copies x[o, indices[i], :] for short and long slices, one heap or two arrays', () => {
    const rng = new Rng(1);
    for (const [outer, axis, inner] of [
      [1, 50, 256],
      [3, 7, 5],
      [2, 9, 1],
      [4, 6, 40],
    ] as const) {
      const x = randomValues([outer * axis * inner], rng);
      const indices = Int32Array.from({ length: 11 }, () => rng.int(0, axis - 1));
      const expected = new Float32Array(outer * 11 * inner);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < 11; i++) for (let j = 0; j < inner; j++) expected[(o * 11 + i) * inner + j] = x[(o * axis + indices[i]!) * inner + j]!;
      }
      const apart = new Float32Array(expected.length);
      gatherSlices(x, indices, outer, axis, inner, apart);
      expect(Array.from(apart)).toEqual(Array.from(expected));
      const heap = new Float32Array(x.length + expected.length + 8);
      heap.set(x, 3);
      const inHeap = heap.subarray(x.length + 5, x.length + 5 + expected.length);
      gatherSlices(heap.subarray(3, 3 + x.length), indices, outer, axis, inner, inHeap);
      expect(Array.from(inHeap)).toEqual(Array.from(expected));
    }
  });

  // USE-lite's embedding lookup ([8002, 256] by 4096 ids, scaled down), its shape-vector gathers
  // (int32 [4] by [1]), a middle axis, 2-D indices, a negative axis, bool, empty indices.
  const CASES: Array<{ x: number[]; dtype: 'float32' | 'int32' | 'bool'; indices: number[][] | number[]; axis: number }> = [
    { x: [800, 256], dtype: 'float32', indices: [5, 799, 0, 5, 313, 42], axis: 0 },
    { x: [4], dtype: 'int32', indices: [2], axis: 0 },
    {
      x: [3, 6, 4],
      dtype: 'float32',
      indices: [
        [5, 0],
        [2, 2],
      ],
      axis: 1,
    },
    { x: [3, 6, 4], dtype: 'int32', indices: [3, 0, 3], axis: -1 },
    { x: [5, 20], dtype: 'bool', indices: [4, 1], axis: 0 },
    { x: [5, 20], dtype: 'float32', indices: [], axis: 0 },
  ];
  for (const c of CASES) {
    it(`gather ${JSON.stringify(c.x)} ${c.dtype} by ${JSON.stringify(c.indices)} on axis ${c.axis} equals cpu bit for bit`, async () => {
      const rng = new Rng(c.x.length * 10 + c.axis);
      const values = randomValues(c.x, rng);
      const x = () => {
        if (c.dtype === 'float32') return tf.tensor(values, c.x);
        if (c.dtype === 'int32')
          return tf.tensor(
            Int32Array.from(values, (v) => Math.round(v * 100)),
            c.x,
            'int32',
          );
        return tf.tensor(
          values.map((v) => (v > 0 ? 1 : 0)),
          c.x,
          'bool',
        );
      };
      const run = () => tf.gather(x(), tf.tensor(c.indices, undefined, 'int32'), c.axis);
      const [cpu] = await onBackend('cpu', run);
      const [wasm] = await onBackend('wasm', run);
      expect(Array.from(wasm!)).toEqual(Array.from(cpu!));
    });
  }

  it("an index out of range fails with the stock kernel's message", async () => {
    await tf.setBackend('wasm');
    expect(() => tf.tidy(() => tf.gather(tf.ones([4, 3]), tf.tensor1d([1, 4], 'int32')))).toThrow('GatherV2: the index value 4 is not in [0, 3]');
    expect(() => tf.tidy(() => tf.gather(tf.ones([4, 3]), tf.tensor1d([-1], 'int32')))).toThrow('GatherV2: the index value -1 is not in [0, 3]');
  });

  it('the gradient of an embedding lookup equals cpu, and nothing leaks', async () => {
    const rng = new Rng(5);
    const table = randomValues([300, 64], rng);
    const ids = Int32Array.from({ length: 500 }, () => rng.int(0, 299));
    const grad = () => tf.grad((t: tf.Tensor) => tf.gather(t, tf.tensor1d(ids, 'int32')).square().sum())(tf.tensor(table, [300, 64]));
    const [cpu] = await onBackend('cpu', grad);
    const [wasm] = await onBackend('wasm', grad);
    for (let i = 0; i < cpu!.length; i++) expect(Math.abs(wasm![i]! - cpu![i]!)).toBeLessThan(1e-5 * (1 + Math.abs(cpu![i]!)));
    const before = numDataIds();
    const tensors = tf.memory().numTensors;
    for (let s = 0; s < 3; s++) tf.dispose(tf.tidy(grad));
    expect(numDataIds()).toBe(before);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
