import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, type AdamConfig, AdamUpdate, type AdamUpdateAttrs, Rng } from '@steerable/core';
import { initBackend, steerableKernelConfigs } from '../src/index.js';
import { type AdamConstants, adamConstants, adamStepImpl, adamUpdateImpl } from '../src/kernels/shared/adam-update-impl.js';
import { adamKernelsOf, adamSimdKernels, adamUpdateSimd } from '../src/kernels/wasm/adam-simd.js';
import { ADAM_UPDATE_JS_MAX_SIZE, adamUpdateWasmKernel } from '../src/kernels/wasm/adam-update.js';
import { type HeapBackend, webAssembly } from '../src/kernels/wasm/simd-module.js';
import { numDataIds, randomValues } from './helpers.js';

const packageFile = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const { Memory } = webAssembly!;

// Below, at and past the 4-float vector step, so every tail length 0-3 is met; 0 (no call at all
// in the kernel, a no-op here), and sizes with a long vector part.
const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 1000, 1003];

const base = (t: number, beta1 = 0.9, beta2 = 0.999) => ({ biasCorrection1: 1 - beta1 ** t, biasCorrection2: 1 - beta2 ** t });
const VARIANTS: { name: string; gradScale: number; attrs: AdamUpdateAttrs }[] = [
  { name: 'plain', gradScale: 1, attrs: { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 3e-5, weightDecay: 0, decoupledWeightDecay: false, ...base(3) } },
  {
    name: 'gradScale != 1',
    gradScale: 0.37,
    attrs: { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, ...base(1) },
  },
  { name: 'coupled decay', gradScale: 1, attrs: { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupledWeightDecay: false, ...base(7) } },
  {
    name: 'decoupled decay',
    gradScale: 1,
    attrs: { lr: 5e-3, beta1: 0.8, beta2: 0.99, eps: 1e-8, weightDecay: 0.05, decoupledWeightDecay: true, ...base(2, 0.8, 0.99) },
  },
  {
    name: 'gradScale and coupled decay',
    gradScale: 0.61,
    attrs: { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupledWeightDecay: false, ...base(4) },
  },
  {
    name: 'gradScale and decoupled decay',
    gradScale: 0.25,
    attrs: { lr: 3e-3, beta1: 0.85, beta2: 0.98, eps: 1e-6, weightDecay: 0.02, decoupledWeightDecay: true, ...base(5, 0.85, 0.98) },
  },
];

/** Equal bit patterns, or both NaN (neither the JS loop nor wasm promises a NaN's payload). */
function firstMismatch(actual: Float32Array, expected: Float32Array): string | null {
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  if (a.length !== e.length) return `length ${a.length} != ${e.length}`;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i] && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i])))
      return `[${i}] ${actual[i]} (0x${a[i]!.toString(16)}) != ${expected[i]} (0x${e[i]!.toString(16)})`;
  }
  return null;
}

interface Case {
  param: Float32Array;
  grad: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/** Random moments and parameters, with the values IEEE arithmetic treats specially sprinkled in. */
function makeCase(size: number, rng: Rng): Case {
  const param = randomValues([size], rng);
  const grad = randomValues([size], rng, 0.5);
  const m = randomValues([size], rng, 0.1);
  const v = randomValues([size], rng, 0.1).map((x) => x * x);
  const specialGrads = [Number.NaN, Infinity, -Infinity, -0, 0, 1e-40, -1e-41, 3e38, -3e38, 1e-20];
  for (let i = 0; i < size; i += 5) grad[i] = specialGrads[(i / 5) % specialGrads.length]!;
  // -0 and infinite parameters: what makes p * 0 differ from leaving a decay term out.
  const specialParams = [-0, 0, Infinity, -Infinity, Number.NaN, 1e-40];
  for (let i = 2; i < size; i += 7) param[i] = specialParams[((i - 2) / 7) % specialParams.length]!;
  for (let i = 3; i < size; i += 11) m[i] = -0;
  for (let i = 4; i < size; i += 13) v[i] = 0;
  return { param, grad, m, v };
}

/** Seven arrays on one heap, each followed by guard floats, at an offset that is not 16-aligned. */
function layOut(buffer: ArrayBufferLike, size: number, skew: number) {
  const stride = (size + 8) * 4 + 16;
  const at = (k: number) => new Float32Array(buffer, 64 + skew + k * stride, size + 8);
  const regions = [0, 1, 2, 3, 4, 5, 6].map(at);
  const arrays = regions.map((r) => r.subarray(0, size)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  return { regions, arrays };
}

const GUARD = 12345.678;

describe('Adam SIMD module (wasm-src/adam.wat)', () => {
  for (const shared of [false, true]) {
    const memoryName = shared ? 'shared memory' : 'unshared memory';

    it.each(VARIANTS.map((v) => v.name))(`${memoryName}: bit-equal to the JS loop at every size and heap offset: %s`, (name) => {
      const { gradScale, attrs } = VARIANTS.find((v) => v.name === name)!;
      const memory = new Memory(shared ? { initial: 4, maximum: 4, shared: true } : { initial: 4 });
      const kernels = adamSimdKernels(memory);
      expect(kernels).not.toBeNull();
      const rng = new Rng(41);
      let moved = 0;
      for (const size of SIZES) {
        for (const skew of [0, 4, 8, 12]) {
          const c = makeCase(size, rng);
          const { regions, arrays } = layOut(memory.buffer, size, skew);
          const [param, grad, m, v, outParam, outM, outV] = arrays;
          param.set(c.param);
          grad.set(c.grad);
          m.set(c.m);
          v.set(c.v);
          for (const r of regions) r.fill(GUARD, size);
          for (const out of [outParam, outM, outV]) out.fill(GUARD);
          adamUpdateSimd(kernels!, param, grad, m, v, adamConstants(gradScale, attrs), outParam, outM, outV);

          const expected = [new Float32Array(size), new Float32Array(size), new Float32Array(size)] as const;
          adamUpdateImpl(c.param, c.grad, c.m, c.v, gradScale, attrs, ...expected);
          const where = JSON.stringify({ size, skew });
          expect(firstMismatch(outParam, expected[0]), `param' ${where}`).toBeNull();
          expect(firstMismatch(outM, expected[1]), `m' ${where}`).toBeNull();
          expect(firstMismatch(outV, expected[2]), `v' ${where}`).toBeNull();
          // Inputs untouched, nothing written past any array.
          expect(firstMismatch(param, c.param), `param ${where}`).toBeNull();
          expect(firstMismatch(grad, c.grad), `grad ${where}`).toBeNull();
          expect(firstMismatch(m, c.m), `m ${where}`).toBeNull();
          expect(firstMismatch(v, c.v), `v ${where}`).toBeNull();
          for (const r of regions) expect(Array.from(r.subarray(size)), `guard ${where}`).toEqual(new Array(8).fill(Math.fround(GUARD)));
          for (let i = 0; i < size; i++) if (Number.isFinite(c.param[i]) && Math.abs(expected[0][i]! - c.param[i]!) > 1e-4) moved++;
        }
      }
      // The step moved most parameters, so equal outputs are not equal inputs passed through.
      expect(moved).toBeGreaterThan(1000);
    });
  }

  it('takes the same steps as the JS loop when both decays are on (no optimizer asks for it)', () => {
    const memory = new Memory({ initial: 4 });
    const kernels = adamSimdKernels(memory)!;
    const constants: AdamConstants = { ...adamConstants(0.5, VARIANTS[0]!.attrs), coupledDecay: Math.fround(0.1), decoupledDecay: Math.fround(1e-3) };
    const rng = new Rng(42);
    for (const size of [1, 4, 9, 1003]) {
      const c = makeCase(size, rng);
      const { arrays } = layOut(memory.buffer, size, 4);
      const [param, grad, m, v, outParam, outM, outV] = arrays;
      param.set(c.param);
      grad.set(c.grad);
      m.set(c.m);
      v.set(c.v);
      adamUpdateSimd(kernels, param, grad, m, v, constants, outParam, outM, outV);
      const expected = [new Float32Array(size), new Float32Array(size), new Float32Array(size)] as const;
      adamStepImpl(c.param, c.grad, c.m, c.v, constants, ...expected);
      expect(firstMismatch(outParam, expected[0]), `param' ${size}`).toBeNull();
      expect(firstMismatch(outM, expected[1]), `m' ${size}`).toBeNull();
      expect(firstMismatch(outV, expected[2]), `v' ${size}`).toBeNull();
    }
  });
});

const CONFIGS: Record<string, AdamConfig> = {
  'plain Adam': { lr: 1e-2, eps: 3e-5 },
  'coupled weight decay': { lr: 1e-2, eps: 1e-8, weightDecay: 0.1 },
  'decoupled weight decay (AdamW)': { lr: 5e-3, eps: 1e-8, beta1: 0.8, beta2: 0.99, weightDecay: 0.05, decoupledWeightDecay: true },
  'global-norm clipping': { lr: 1e-2, eps: 1e-8, maxGradNorm: 0.5 },
};
// Past the old JS-loop limit with every tail length (8193 = 4 * 2048 + 1, 77049 = 4 * 19262 + 1),
// at the limit, and small.
const SHAPES: number[][] = [[ADAM_UPDATE_JS_MAX_SIZE], [ADAM_UPDATE_JS_MAX_SIZE + 1], [300, 257], [129, 3], [30, 11], [7], [1]];

function params(seed: number): Map<string, tf.Variable> {
  const rng = new Rng(seed);
  return new Map(SHAPES.map((shape, i) => [`p${i}`, tf.variable(tf.tensor(randomValues(shape, rng), shape), true, `adam-simd-${seed}-${i}-${Math.random()}`)]));
}

function grads(step: number): Map<string, tf.Tensor> {
  const rng = new Rng(500 + step);
  return new Map(SHAPES.map((shape, i) => [`p${i}`, tf.tensor(randomValues(shape, rng, 0.5), shape)]));
}

async function values(ps: Map<string, tf.Variable>, adam: Adam): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, p] of ps) out.set(name, Float32Array.from(await p.data()));
  for (const [name, t] of adam.stateDict().tensors) out.set(name, Float32Array.from(await t.data()));
  return out;
}

/** Runs `fn` with `config` in place of the registered wasm AdamUpdate kernel. */
function withKernel<T>(config: tf.KernelConfig | null, fn: () => T): T {
  const registered = tf.getKernel(AdamUpdate, 'wasm')!;
  tf.unregisterKernel(AdamUpdate, 'wasm');
  if (config) tf.registerKernel(config);
  try {
    return fn();
  } finally {
    if (config) tf.unregisterKernel(AdamUpdate, 'wasm');
    tf.registerKernel(registered);
  }
}

describe('AdamUpdate on wasm through the SIMD module', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('runs the SIMD module over the backend heap (so the tests below exercise it)', () => {
    expect(tf.getKernel(AdamUpdate, 'wasm')).toBe(steerableKernelConfigs('wasm').find((c) => c.kernelName === AdamUpdate));
    expect(adamKernelsOf(tf.backend() as unknown as HeapBackend)).not.toBeNull();
  });

  it('sends float32 parameters of every size to the module, and other dtypes elsewhere', async () => {
    const counts: number[] = [];
    const counting = adamUpdateWasmKernel((backend) => {
      const kernels = adamKernelsOf(backend)!;
      return {
        adamUpdate: (...args: Parameters<typeof kernels.adamUpdate>) => {
          counts.push(args[7]);
          kernels.adamUpdate(...args);
        },
      };
    });
    const ps = params(9);
    const adam = new Adam(ps, CONFIGS['plain Adam']!);
    const g = grads(0);
    withKernel(counting, () => adam.apply(g));
    expect(counts).toEqual(SHAPES.map((shape) => shape.reduce((a, b) => a * b, 1)));
    counts.length = 0;
    const x = tf.ones([5], 'int32');
    const outs = withKernel(counting, () => tf.engine().runKernel(AdamUpdate, { param: x, grad: x, m: x, v: x }, { ...VARIANTS[0]!.attrs })) as tf.Tensor[];
    expect(counts).toEqual([]);
    expect(outs.map((o) => o.dtype)).toEqual(['float32', 'float32', 'float32']);
    tf.dispose([...outs, x, ...g.values(), ...ps.values()]);
    adam.dispose();
  });

  // The composite (no kernel registered) is the definition; the fallback (JS loop up to the limit,
  // stock kernels above) is what engines without wasm SIMD run.
  const kernels: { name: string; config: () => tf.KernelConfig | undefined }[] = [
    { name: 'SIMD', config: () => tf.getKernel(AdamUpdate, 'wasm') },
    { name: 'without SIMD', config: () => adamUpdateWasmKernel(() => null) },
  ];

  for (const kernel of kernels) {
    it.each(Object.keys(CONFIGS))(`${kernel.name}: bit-equal to the composite over several steps: %s`, async (label) => {
      const config = CONFIGS[label]!;
      const fusedParams = params(7);
      const compositeParams = params(7);
      const initial = await Promise.all([...fusedParams.values()].map(async (p) => Float32Array.from(await p.data())));
      const fused = new Adam(fusedParams, config);
      const composite = new Adam(compositeParams, config);
      const kernelConfig = kernel.config()!;
      for (let step = 0; step < 3; step++) {
        const g = grads(step);
        withKernel(kernelConfig, () => fused.apply(g));
        withKernel(null, () => composite.apply(g));
        tf.dispose([...g.values()]);
      }
      const ours = await values(fusedParams, fused);
      const oracle = await values(compositeParams, composite);
      expect([...ours.keys()].sort()).toEqual([...oracle.keys()].sort());
      for (const [name, expected] of oracle) expect(firstMismatch(ours.get(name)!, expected), `${label} ${name}`).toBeNull();
      // Every parameter moved, so the comparison is not of untouched inputs.
      [...fusedParams.keys()].forEach((name, i) => {
        const after = ours.get(name)!;
        expect(
          after.some((x, j) => Math.abs(x - initial[i]![j]!) > 1e-4),
          `${label} ${name} moved`,
        ).toBe(true);
      });
      for (const adam of [fused, composite]) adam.dispose();
      tf.dispose([...fusedParams.values(), ...compositeParams.values()]);
    });
  }

  it('leaks no tensors or heap buffers across steps, with and without clipping', async () => {
    for (const config of [CONFIGS['plain Adam']!, CONFIGS['global-norm clipping']!]) {
      const ps = params(8);
      const adam = new Adam(ps, config);
      const first = grads(0);
      adam.apply(first); // creates the moment slots
      tf.dispose([...first.values()]);
      const tensors = tf.memory().numTensors;
      const ids = numDataIds();
      for (let step = 1; step < 4; step++) {
        const g = grads(step);
        adam.apply(g);
        tf.dispose([...g.values()]);
      }
      expect(tf.memory().numTensors).toBe(tensors);
      expect(numDataIds()).toBe(ids);
      adam.dispose();
      tf.dispose([...ps.values()]);
    }
  });

  it('a parameter with no elements is left alone', async () => {
    const p = tf.variable(tf.zeros([0, 3]), true, `adam-simd-empty-${Math.random()}`);
    const adam = new Adam(new Map([['p', p]]), CONFIGS['plain Adam']!);
    const g = tf.zeros([0, 3]);
    adam.apply(new Map([['p', g]]));
    expect(p.shape).toEqual([0, 3]);
    expect(adam.stateDict().tensors.get('p.exp_avg')!.shape).toEqual([0, 3]);
    g.dispose();
    adam.dispose();
    p.dispose();
  });
});

// The threads shim makes the heap a shared memory, so the shared build of the module runs. In a
// child process against the built package (as wasm-threads.test.ts); skipped without a build.
describe('AdamUpdate on wasm with 2 threads', () => {
  it.skipIf(!existsSync(packageFile('dist/index.js')))('runs the shared-memory module, bit-equal to the composite', () => {
    const result = spawnSync(process.execPath, [packageFile('test/fixtures/wasm-threads-adam-check.mjs')], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
      backend: string;
      threads: number;
      shared: boolean;
      compared: number;
      mismatches: number;
      moved: boolean;
    };
    expect(report).toMatchObject({ backend: 'wasm', threads: 2, shared: true, mismatches: 0, moved: true });
    expect(report.compared).toBe(3 * (300 * 257 + 8193 + 7));
  });
});
