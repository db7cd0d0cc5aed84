import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, silentLogger } from '@steerable/core';
import {
  BACKEND_NAMES,
  STEERABLE_KERNEL_NAMES,
  initBackend,
  registerSteerableKernels,
  steerableKernelConfigs,
  unregisterSteerableKernels,
} from '../src/index.js';
import { maxAbsDiff, numDataIds, onBackend, randomValues, relativeDiff } from './helpers.js';

// Shapes chosen to hit the paths that differ: rank 2/3/4, broadcast batch dims, size-1 dims.
const MATMUL_CASES: { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [];
for (const [m, k, n] of [
  [7, 5, 3],
  [1, 9, 4],
  [6, 1, 2],
  [33, 17, 65],
] as const) {
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      MATMUL_CASES.push({ a: transposeA ? [k, m] : [m, k], b: transposeB ? [n, k] : [k, n], transposeA, transposeB });
    }
  }
}
MATMUL_CASES.push({ a: [3, 4, 6], b: [3, 5, 4], transposeA: true, transposeB: true });
MATMUL_CASES.push({ a: [1, 6, 4], b: [5, 6, 3], transposeA: true, transposeB: false });
MATMUL_CASES.push({ a: [2, 3, 4, 6], b: [2, 3, 5, 6], transposeA: false, transposeB: true });

const tensorOf = (values: Float32Array, shape: number[]): tf.Tensor => tf.tensor(values, shape);
const idsOf = (values: number[], shape: number[]): tf.Tensor1D => tf.tensor(values, shape as [number], 'int32');

describe('wasm fast path', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    // The cpu runs below are the oracle for matmul, and the fast kernel under test for segment sums.
    registerSteerableKernels('cpu', silentLogger);
  });

  it('transposed BatchMatMul matches the cpu kernel on every transpose combination and shape', async () => {
    const rng = new Rng(1);
    for (const c of MATMUL_CASES) {
      const a = randomValues(c.a, rng);
      const b = randomValues(c.b, rng);
      const run = () => tf.matMul(tf.tensor(a, c.a), tf.tensor(b, c.b), c.transposeA, c.transposeB);
      const [onCpu] = await onBackend('cpu', run);
      const [onWasm] = await onBackend('wasm', run);
      expect(relativeDiff(onWasm!, onCpu!), JSON.stringify(c)).toBeLessThan(1e-5);
    }
  });

  it('fused matmul (bias + relu) with transposes matches cpu', async () => {
    const rng = new Rng(2);
    for (const c of MATMUL_CASES.filter((x) => x.a.length === 2)) {
      const a = randomValues(c.a, rng);
      const b = randomValues(c.b, rng);
      const n = c.transposeB ? c.b[0]! : c.b[1]!;
      const bias = randomValues([n], rng);
      const run = () =>
        tf.fused.matMul({
          a: tensorOf(a, c.a) as tf.Tensor2D,
          b: tensorOf(b, c.b) as tf.Tensor2D,
          transposeA: c.transposeA,
          transposeB: c.transposeB,
          bias: tf.tensor1d(bias),
          activation: 'relu',
        });
      const [onCpu] = await onBackend('cpu', run);
      const [onWasm] = await onBackend('wasm', run);
      expect(relativeDiff(onWasm!, onCpu!), JSON.stringify(c)).toBeLessThan(1e-5);
    }
  });

  it('matmul gradients on wasm equal cpu gradients', async () => {
    const rng = new Rng(3);
    const x = randomValues([13, 7], rng);
    const w = randomValues([7, 5], rng);
    const run = () => {
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.matMul(xv, wv))), [xv, wv]) as never as { grads: Record<string, tf.Tensor> };
      return Object.values(grads);
    };
    let xv: tf.Variable;
    let wv: tf.Variable;
    const withVars = (backend: string) => async () => {
      await tf.setBackend(backend);
      xv = tf.variable(tf.tensor2d(x, [13, 7]));
      wv = tf.variable(tf.tensor2d(w, [7, 5]));
      const out = await onBackend(backend, run);
      tf.dispose([xv, wv]);
      return out;
    };
    const cpuGrads = await withVars('cpu')();
    const wasmGrads = await withVars('wasm')();
    for (let i = 0; i < cpuGrads.length; i++) expect(relativeDiff(wasmGrads[i]!, cpuGrads[i]!)).toBeLessThan(1e-5);
  });

  it('UnsortedSegmentSum on wasm and the fast cpu kernel equal stock cpu and a direct sum, out-of-range ids included', async () => {
    const rng = new Rng(4);
    const cases = [
      { xShape: [10, 3], ids: [0, 1, 2, 0, 1, 2, 4, 4, 4, 3], numSegments: 5 },
      { xShape: [6], ids: [5, -1, 2, 7, 2, 0], numSegments: 6 }, // -1 and 7 are dropped, as in TF
      { xShape: [2, 3, 4], ids: [1, 0, 1, 1, 2, 0], idsShape: [2, 3], numSegments: 3 },
      { xShape: [4, 2], ids: [0, 0, 0, 0], numSegments: 1 },
      { xShape: [3, 2], ids: [2, 2, 2], numSegments: 4 }, // segments 0, 1, 3 empty
    ];
    for (const c of cases) {
      const x = randomValues(c.xShape, rng);
      const run = () => tf.unsortedSegmentSum(tensorOf(x, c.xShape), idsOf(c.ids, c.idsShape ?? [c.ids.length]), c.numSegments);
      const inner = x.length / c.ids.length;
      const direct = new Float32Array(c.numSegments * inner);
      c.ids.forEach((id, i) => {
        if (id < 0 || id >= c.numSegments) return;
        for (let j = 0; j < inner; j++) direct[id * inner + j]! += x[i * inner + j]!;
      });
      const [fastCpu] = await onBackend('cpu', run);
      const [onWasm] = await onBackend('wasm', run);
      expect(maxAbsDiff(fastCpu!, direct), JSON.stringify(c)).toBeLessThan(1e-6);
      expect(maxAbsDiff(onWasm!, direct), JSON.stringify(c)).toBeLessThan(1e-6);
      // Stock cpu cannot broadcast multi-dimensional ids (a tfjs bug), so compare with it on 1-D ids.
      if (!c.idsShape) {
        unregisterSteerableKernels('cpu');
        const [stock] = await onBackend('cpu', run);
        registerSteerableKernels('cpu', silentLogger);
        expect(maxAbsDiff(fastCpu!, stock!), JSON.stringify(c)).toBeLessThan(1e-6);
      }
    }
  });

  it('gradients of gather (embeddings) on wasm equal cpu', async () => {
    const rng = new Rng(5);
    const table = randomValues([11, 4], rng);
    const weights = randomValues([3, 5, 4], rng);
    const ids = Array.from({ length: 15 }, () => rng.int(0, 10));
    const run = () => {
      const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor2d(ids, [3, 5], 'int32')), tf.tensor3d(weights, [3, 5, 4]))));
      return grad(tf.tensor2d(table, [11, 4]));
    };
    const [onCpu] = await onBackend('cpu', run);
    const [onWasm] = await onBackend('wasm', run);
    expect(maxAbsDiff(onWasm!, onCpu!)).toBeLessThan(1e-5);
    // Independent check: row r of the gradient is the sum of the weights of the positions that read r.
    const expected = new Float32Array(11 * 4);
    ids.forEach((id, p) => {
      for (let j = 0; j < 4; j++) expected[id * 4 + j]! += weights[p * 4 + j]!;
    });
    expect(maxAbsDiff(onWasm!, expected)).toBeLessThan(1e-5);
  });

  it('leaks no tensors or backend data on wasm (matmul with transposes, segment sum)', async () => {
    await tf.setBackend('wasm');
    const a = tf.randomNormal([16, 8]);
    const b = tf.randomNormal([12, 8]);
    const ids = tf.tensor1d([0, 3, 3, 1, 0, 2, 1, 1, 0, 3, 2, 2, 0, 1, 2, 3], 'int32');
    const step = () => {
      const c = tf.matMul(a, b, false, true);
      const d = tf.matMul(a, c, true, false);
      const s = tf.unsortedSegmentSum(c, ids, 4);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, ids)))(a);
      tf.dispose([c, d, s, g]);
    };
    expect(() => tf.matMul(a, b, true, false)).toThrow();
    step();
    const tensorsBefore = tf.memory().numTensors;
    const dataBefore = numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(numDataIds()).toBe(dataBefore);
    tf.dispose([a, b, ids]);
  });

  it('steerableKernels: false restores the stock kernels, true puts ours back', async () => {
    await initBackend({ backend: 'wasm', steerableKernels: false });
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined();
    const stockMatMul = tf.getKernel('BatchMatMul', 'wasm');
    await initBackend({ backend: 'wasm' });
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
    expect(tf.getKernel('BatchMatMul', 'wasm')).not.toBe(stockMatMul);
    await initBackend({ backend: 'cpu', steerableKernels: false });
    const stockSegmentSum = tf.getKernel('UnsortedSegmentSum', 'cpu');
    await initBackend({ backend: 'cpu' });
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu')).not.toBe(stockSegmentSum);
    await initBackend({ backend: 'wasm' });
  });

  it('the registration list has exactly one config per kernel and backend', () => {
    for (const backend of BACKEND_NAMES) {
      const names = steerableKernelConfigs(backend).map((c) => c.kernelName);
      expect(new Set(names).size, backend).toBe(names.length);
      for (const config of steerableKernelConfigs(backend)) expect(config.backendName).toBe(backend);
    }
    expect(steerableKernelConfigs('wasm').map((c) => c.kernelName)).toEqual(expect.arrayContaining(['BatchMatMul', 'UnsortedSegmentSum', '_FusedMatMul']));
    // Every fused kernel exists on cpu and wasm (the JS implementations).
    for (const backend of ['cpu', 'wasm'] as const) {
      expect(steerableKernelConfigs(backend).map((c) => c.kernelName)).toEqual(expect.arrayContaining([...STEERABLE_KERNEL_NAMES]));
    }
    // WGSL programs for the sequence log-prob and the set pooling (pairwiseLoss uses its composite there).
    expect(
      steerableKernelConfigs('webgpu')
        .map((c) => c.kernelName)
        .sort(),
    ).toEqual(['SteerableSequenceLogProbs', 'SteerableSequenceLogProbsGrad', 'SteerableSetAttentionPool', 'SteerableSetAttentionPoolGrad']);
  });
});
