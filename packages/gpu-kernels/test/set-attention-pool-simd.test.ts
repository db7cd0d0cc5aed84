import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend, SteerableSetAttentionPool, SteerableSetAttentionPoolGrad } from '../src/index.js';
import { setAttentionPoolGradImpl, setAttentionPoolImpl } from '../src/kernels/shared/set-attention-pool-impl.js';
import {
  type SetAttentionPoolKernelsOf,
  type SetAttentionPoolSimdKernels,
  setAttentionPoolKernelsOf,
  setAttentionPoolScratchFloats,
  setAttentionPoolSimdKernels,
  setAttentionPoolWasmConfigs,
} from '../src/kernels/wasm/set-attention-pool.js';
import { webAssembly } from '../src/kernels/wasm/simd-module.js';
import { expectFusedCasesLeakNothing, type ParityCase, setAttentionPoolCase } from './fused-parity.js';
import { numDataIds, randomValues, relativeDiff, withWasmKernels } from './helpers.js';

const { Memory } = webAssembly!;

type MaskKind = 'ones' | 'dropout' | 'sparse';

/** Dropout masks hold 0 or 1 / (1 - rate); 'sparse' zeroes most weights and all of row 0. */
function maskValues(kind: MaskKind, g: number, n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: g * n * n }, (_, index) => {
    if (kind === 'ones') return 1;
    if (kind === 'dropout') return rng.uniform() < 0.1 ? 0 : 1 / 0.9;
    return index % (n * n) < n || rng.uniform() < 0.7 ? 0 : 1 / 0.3;
  });
}

interface Inputs {
  g: number;
  n: number;
  d: number;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  mask: Float32Array;
  dy: Float32Array;
}

function inputs(g: number, n: number, d: number, kind: MaskKind, qkScale: number, seed: number): Inputs {
  const rng = new Rng(seed);
  return {
    g,
    n,
    d,
    q: randomValues([g, n, d], rng, qkScale),
    k: randomValues([g, n, d], rng, qkScale),
    v: randomValues([g, n, d], rng),
    mask: maskValues(kind, g, n, rng),
    dy: randomValues([g, d], rng),
  };
}

/** The shared JS implementation: the reference (float64 softmax and dot products). */
function jsOutputs({ g, n, d, q, k, v, mask, dy }: Inputs): Float32Array[] {
  const out = new Float32Array(g * d);
  const [dq, dk, dv] = [0, 1, 2].map(() => new Float32Array(g * n * d));
  setAttentionPoolImpl(q, k, v, mask, g, n, d, out);
  setAttentionPoolGradImpl(dy, q, k, v, mask, g, n, d, dq!, dk!, dv!);
  return [out, dq!, dk!, dv!];
}

const GUARD = 7.25;

/**
 * Runs the module on `memory`: every array at an offset that is a multiple of 4 bytes but not of 16
 * (tensors of odd sizes start anywhere), outputs pre-filled with NaN so that an element left
 * unwritten shows, and one guard float before and after each array to catch writes past it.
 */
function simdOutputs(kernels: SetAttentionPoolSimdKernels, memory: { buffer: ArrayBufferLike }, x: Inputs): Float32Array[] {
  const { g, n, d } = x;
  let next = 64;
  const heap = new Float32Array(memory.buffer);
  const place = (size: number, values?: Float32Array) => {
    const at = next + 4;
    heap[at / 4 - 1] = GUARD;
    heap[at / 4 + size] = GUARD;
    const view = heap.subarray(at / 4, at / 4 + size);
    if (values) view.set(values);
    else view.fill(Number.NaN);
    next = at + 4 * size + 16;
    return { at, view, size };
  };
  const [q, k, v, mask, dy] = [x.q, x.k, x.v, x.mask, x.dy].map((values) => place(values.length, values));
  const out = place(g * d);
  const [dq, dk, dv] = [0, 1, 2].map(() => place(g * n * d));
  const scratch = place(setAttentionPoolScratchFloats(n));
  expect(next, 'test heap size').toBeLessThan(memory.buffer.byteLength);
  kernels.forward(q!.at, k!.at, v!.at, mask!.at, out.at, scratch.at, g, n, d);
  kernels.gradient(dy!.at, q!.at, k!.at, v!.at, mask!.at, dq!.at, dk!.at, dv!.at, scratch.at, g, n, d);
  for (const region of [q, k, v, mask, dy, out, dq, dk, dv, scratch]) {
    expect([heap[region!.at / 4 - 1], heap[region!.at / 4 + region!.size]], 'guards around an array').toEqual([GUARD, GUARD]);
  }
  const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  [x.q, x.k, x.v, x.mask, x.dy].forEach((values, i) => expect(bytes([q, k, v, mask, dy][i]!.view).equals(bytes(values)), `input ${i} unchanged`).toBe(true));
  return [out, dq!, dk!, dv!].map((region) => Float32Array.from(region.view));
}

const OUTPUT_NAMES = ['out', 'dq', 'dk', 'dv'];

describe('set-attention-pool SIMD module', () => {
  // Set sizes around the blocks of four rows (1-5, 10 as in NP-BTL, 17) and head dims of one,
  // two, eight and nine vectors; 512 groups only at the sizes training uses.
  const shapes: [number, number, number][] = [];
  for (const g of [1, 3]) for (const n of [1, 2, 3, 4, 5, 10, 17]) for (const d of [4, 8, 32, 36]) shapes.push([g, n, d]);
  for (const n of [10, 17]) for (const d of [32, 36]) shapes.push([512, n, d]);

  for (const shared of [false, true]) {
    it(`equals the JS implementation on ${shared ? 'a shared' : 'an unshared'} memory: every shape, masks with zeros and 1 / (1 - p)`, () => {
      const memory = new Memory(shared ? { initial: 256, maximum: 256, shared: true } : { initial: 256 });
      const kernels = setAttentionPoolSimdKernels(memory);
      expect(kernels).not.toBeNull();
      shapes.forEach(([g, n, d], index) => {
        const kind = (['ones', 'dropout', 'sparse'] as const)[index % 3]!;
        const x = inputs(g, n, d, kind, 1, 100 + index);
        const simd = simdOutputs(kernels!, memory, x);
        const js = jsOutputs(x);
        for (let i = 0; i < 4; i++) {
          expect(relativeDiff(simd[i]!, js[i]!), `${OUTPUT_NAMES[i]} [${g}, ${n}, ${d}] ${kind}`).toBeLessThan(2e-6);
        }
      });
    });
  }

  it('keeps the softmax finite and accurate for scores hundreds to thousands apart', () => {
    const memory = new Memory({ initial: 64 });
    const kernels = setAttentionPoolSimdKernels(memory)!;
    // q and k scaled by 8 give scores with a spread of about 64 (exp would overflow float32
    // without the max shift); by 60, about 3600: most rows are exactly one-hot in float32.
    for (const [qkScale, tolerance] of [
      [8, 2e-5],
      [60, 1e-3],
    ] as const) {
      for (const [g, n, d] of [
        [3, 10, 32],
        [2, 17, 8],
        [4, 3, 4],
      ] as const) {
        const x = inputs(g, n, d, 'dropout', qkScale, qkScale * 10 + n);
        const simd = simdOutputs(kernels, memory, x);
        const js = jsOutputs(x);
        for (let i = 0; i < 4; i++) {
          expect(simd[i]!.every(Number.isFinite), `${OUTPUT_NAMES[i]} finite, scale ${qkScale}`).toBe(true);
          expect(relativeDiff(simd[i]!, js[i]!), `${OUTPUT_NAMES[i]} [${g}, ${n}, ${d}] scale ${qkScale}`).toBeLessThan(tolerance);
        }
      }
    }
  });

  it('softmax weights are accurate to float32 (a few ulp) where they are exp(-x) / (1 + exp(-x))', () => {
    // Per group, n = 2, d = 4: scores (x, 0) in row 0 (row 1 masked out), v_j the unit vectors,
    // so out = (P_00, P_01): the exp of the module seen directly, against float64.
    const xs = Array.from({ length: 241 }, (_, i) => Math.fround(-30 + i * 0.25 + (i % 7) * 0.013));
    const g = xs.length;
    const x: Inputs = {
      g,
      n: 2,
      d: 4,
      q: new Float32Array(g * 8),
      k: new Float32Array(g * 8),
      v: new Float32Array(g * 8),
      mask: new Float32Array(g * 4),
      dy: new Float32Array(g * 4),
    };
    xs.forEach((value, group) => {
      x.q[group * 8] = 2 * value; // times 1 / sqrt(4)
      x.k[group * 8] = 1;
      x.v[group * 8] = 1;
      x.v[group * 8 + 5] = 1;
      x.mask.set([1, 1, 0, 0], group * 4);
    });
    const memory = new Memory({ initial: 2 });
    const [out] = simdOutputs(setAttentionPoolSimdKernels(memory)!, memory, x);
    let worst = 0;
    xs.forEach((value, group) => {
      const expected = [1 / (1 + Math.exp(-value)), 1 / (1 + Math.exp(value))];
      for (let j = 0; j < 2; j++) worst = Math.max(worst, Math.abs(out![group * 4 + j]! / expected[j]! - 1));
    });
    expect(worst).toBeLessThan(3e-7);
  });

  it('an all-zero mask gives zero output and dv, and dq = dk = 0 (nothing reaches the scores)', () => {
    const memory = new Memory({ initial: 16 });
    const kernels = setAttentionPoolSimdKernels(memory)!;
    const x = inputs(2, 6, 8, 'ones', 1, 7);
    x.mask.fill(0);
    for (const output of simdOutputs(kernels, memory, x)) expect(Array.from(output).every((value) => value === 0)).toBe(true);
  });
});

/** The kernels found by setAttentionPoolKernelsOf, counting the calls that reach them. */
function countingKernelsOf() {
  const calls = { forward: 0, gradient: 0 };
  const kernelsOf: SetAttentionPoolKernelsOf = (backend) => {
    const kernels = setAttentionPoolKernelsOf(backend);
    if (!kernels) return null;
    return {
      forward: (...args) => {
        calls.forward++;
        kernels.forward(...args);
      },
      gradient: (...args) => {
        calls.gradient++;
        kernels.gradient(...args);
      },
    };
  };
  return { calls, kernelsOf };
}

async function expectParity(c: ParityCase): Promise<void> {
  const fused = c.run(true);
  const composite = c.run(false);
  for (let i = 0; i < fused.length; i++) {
    expect(relativeDiff(await fused[i]!.data(), await composite[i]!.data()), `${c.name} output ${i}`).toBeLessThan(2e-5);
  }
  tf.dispose([...fused, ...composite]);
}

describe('set-attention-pool on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  const simdCases = () => [
    setAttentionPoolCase('np-btl', 512, 10, 32, 40, true),
    setAttentionPoolCase('set of 17', 3, 17, 36, 41, true),
    setAttentionPoolCase('set of 5', 2, 5, 4, 42),
    setAttentionPoolCase('set of one', 3, 1, 8, 43, true),
    setAttentionPoolCase('large scores', 3, 10, 32, 44, true, 4),
  ];

  it('the registered kernels reach the SIMD module over the backend heap', async () => {
    await tf.setBackend('wasm');
    expect(setAttentionPoolKernelsOf(tf.backend() as never)).not.toBeNull();
  });

  it('values and gradients equal the composite through the SIMD module, which every case reaches', async () => {
    await tf.setBackend('wasm');
    const { calls, kernelsOf } = countingKernelsOf();
    await withWasmKernels(setAttentionPoolWasmConfigs(kernelsOf), async () => {
      for (const c of simdCases()) await expectParity(c);
    });
    // Each case runs the op twice (its value, and under tf.grads) and the gradient once.
    expect(calls).toEqual({ forward: 10, gradient: 5 });
  });

  it('head dims that are not multiples of 4 run the JS kernels, with the same parity', async () => {
    await tf.setBackend('wasm');
    const { calls, kernelsOf } = countingKernelsOf();
    await withWasmKernels(setAttentionPoolWasmConfigs(kernelsOf), async () => {
      for (const c of [setAttentionPoolCase('head dim 3', 4, 7, 3, 45, true), setAttentionPoolCase('head dim 33', 2, 10, 33, 46)]) await expectParity(c);
    });
    expect(calls).toEqual({ forward: 0, gradient: 0 });
  });

  it('without SIMD (the JS fallback) values and gradients equal the composite too', async () => {
    await tf.setBackend('wasm');
    await withWasmKernels(
      setAttentionPoolWasmConfigs(() => null),
      async () => {
        for (const c of simdCases()) await expectParity(c);
      },
    );
  });

  it('the SIMD and JS kernels agree when called directly, and free their scratch and temporaries', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as { readSync(id: tf.DataId): Float32Array; disposeData(id: tf.DataId): boolean };
    const [g, n, d] = [6, 10, 16];
    const x = inputs(g, n, d, 'dropout', 1, 50);
    const run = (configs: tf.KernelConfig[]) => {
      const [q, k, v] = [x.q, x.k, x.v].map((values) => tf.tensor(values, [g, n, d]));
      const weightsMask = tf.tensor(x.mask, [g, n, n]);
      const dy = tf.tensor(x.dy, [g, d]);
      const [forward, gradient] = [SteerableSetAttentionPool, SteerableSetAttentionPoolGrad].map((name) => configs.find((c) => c.kernelName === name)!);
      const out = forward!.kernelFunc({ inputs: { q: q!, k: k!, v: v!, weightsMask }, backend: backend as never, attrs: {} }) as tf.TensorInfo;
      const grads = gradient!.kernelFunc({ inputs: { dy, q: q!, k: k!, v: v!, weightsMask }, backend: backend as never, attrs: {} }) as tf.TensorInfo[];
      const values = [out, ...grads].map((info) => Float32Array.from(backend.readSync(info.dataId)));
      [out, ...grads].forEach((info) => backend.disposeData(info.dataId));
      tf.dispose([q!, k!, v!, weightsMask, dy]);
      return values;
    };
    const before = numDataIds();
    const simd = run(setAttentionPoolWasmConfigs());
    const js = run(setAttentionPoolWasmConfigs(() => null));
    expect(numDataIds()).toBe(before);
    const reference = jsOutputs(x);
    for (let i = 0; i < 4; i++) {
      expect(relativeDiff(simd[i]!, js[i]!), `${OUTPUT_NAMES[i]} SIMD vs JS kernel`).toBeLessThan(2e-6);
      expect(relativeDiff(js[i]!, reference[i]!), `${OUTPUT_NAMES[i]} JS kernel vs implementation`).toBe(0);
    }
  });

  it('the op and its gradient leak no tensors or backend data, on either path', async () => {
    await tf.setBackend('wasm');
    for (const configs of [setAttentionPoolWasmConfigs(), setAttentionPoolWasmConfigs(() => null)]) {
      await withWasmKernels(configs, () => expectFusedCasesLeakNothing(simdCases().slice(1)));
    }
  });
});
