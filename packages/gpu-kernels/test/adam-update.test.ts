import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, type AdamConfig, AdamUpdate, Rng } from '@steerable/core';
import { initBackend, steerableKernelConfigs } from '../src/index.js';
import { maxAbsDiff, numDataIds, randomValues } from './helpers.js';

// [96, 100] is above the size where wasm without SIMD leaves the JS loop for the stock kernels;
// wasm-adam-simd.test.ts compares that fallback too.
const SHAPES: number[][] = [[33, 17], [17], [1], [4, 3, 5], [96, 100]];
const STEPS = 4;

const CONFIGS: Record<string, AdamConfig> = {
  'plain Adam': { lr: 1e-2, eps: 3e-5 },
  'coupled weight decay (Adam + L2)': { lr: 1e-2, eps: 1e-8, weightDecay: 0.1 },
  'decoupled weight decay (AdamW)': { lr: 5e-3, eps: 1e-8, beta1: 0.8, beta2: 0.99, weightDecay: 0.05, decoupledWeightDecay: true },
  // maxNorm below the gradients' norm, so the clip factor really scales.
  'global-norm clipping with coupled decay': { lr: 1e-2, eps: 1e-8, weightDecay: 0.01, maxGradNorm: 0.5 },
};

type Backend = 'cpu' | 'wasm';

function makeParams(seed: number): Map<string, tf.Variable> {
  const rng = new Rng(seed);
  return new Map(SHAPES.map((shape, i) => [`p${i}`, tf.variable(tf.tensor(randomValues(shape, rng), shape), true, `adam-test-${seed}-${i}-${Math.random()}`)]));
}

function makeGrads(step: number): Map<string, tf.Tensor> {
  const rng = new Rng(1000 + step);
  return new Map(SHAPES.map((shape, i) => [`p${i}`, tf.tensor(randomValues(shape, rng, 0.5), shape)]));
}

/** Runs `fn` with the backend's AdamUpdate kernel removed, so that Adam takes its composite. */
function withoutKernel<T>(backend: Backend, fn: () => T): T {
  const config = steerableKernelConfigs(backend).find((c) => c.kernelName === AdamUpdate)!;
  tf.unregisterKernel(AdamUpdate, backend);
  try {
    return fn();
  } finally {
    tf.registerKernel(config);
  }
}

async function snapshot(params: Map<string, tf.Variable>, adam: Adam): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, p] of params) out.set(name, Float32Array.from(await p.data()));
  for (const [name, t] of adam.stateDict().tensors) out.set(name, Float32Array.from(await t.data()));
  return out;
}

function dispose(params: Map<string, tf.Variable>, adam: Adam): void {
  adam.dispose();
  tf.dispose([...params.values()]);
}

describe.each(['cpu', 'wasm'] as const)('fused AdamUpdate kernel on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('is registered and used: one kernel per parameter', async () => {
    expect(tf.getKernel(AdamUpdate, backend)).toBeDefined();
    const params = makeParams(1);
    const adam = new Adam(params, CONFIGS['plain Adam']!);
    const first = makeGrads(0);
    adam.apply(first); // creates the moment slots (ZerosLike), once
    const grads = makeGrads(1);
    const profile = await tf.profile(() => adam.apply(grads));
    expect(profile.kernels.map((k) => k.name)).toEqual(SHAPES.map(() => AdamUpdate));
    tf.dispose([...first.values(), ...grads.values()]);
    dispose(params, adam);
  });

  it.each(Object.keys(CONFIGS))('matches the composite over several steps: %s', async (label) => {
    const config = CONFIGS[label]!;
    const fusedParams = makeParams(2);
    const compositeParams = makeParams(2);
    const fused = new Adam(fusedParams, config);
    const composite = new Adam(compositeParams, config);
    for (let step = 0; step < STEPS; step++) {
      const grads = makeGrads(step);
      fused.apply(grads);
      withoutKernel(backend, () => composite.apply(grads));
      tf.dispose([...grads.values()]);
    }
    const ours = await snapshot(fusedParams, fused);
    const oracle = await snapshot(compositeParams, composite);
    expect([...ours.keys()].sort()).toEqual([...oracle.keys()].sort());
    for (const [name, expected] of oracle) {
      // The same float32 operations in the same order: bit-equal on cpu (tfjs-cpu rounds each op's
      // double result to float32, as the kernel does) and on wasm (the SIMD module's and the stock
      // kernels' operations are correctly rounded IEEE float32).
      expect(maxAbsDiff(ours.get(name)!, expected), `${label} ${name}`).toBe(0);
    }
    // The parameters moved by much more than the tolerance, so the comparison means something.
    expect(maxAbsDiff(oracle.get('p0')!, Float32Array.from(await makeParamsValues(2, 'p0')))).toBeGreaterThan(1e-3);
    dispose(fusedParams, fused);
    dispose(compositeParams, composite);
  });

  it('leaks no tensors or buffers across steps, with and without clipping', async () => {
    for (const config of [CONFIGS['plain Adam']!, CONFIGS['global-norm clipping with coupled decay']!]) {
      const params = makeParams(3);
      const adam = new Adam(params, config);
      const first = makeGrads(0);
      adam.apply(first); // creates the moment slots
      tf.dispose([...first.values()]);
      const tensors = tf.memory().numTensors;
      const ids = numDataIds();
      for (let step = 1; step < 4; step++) {
        const grads = makeGrads(step);
        adam.apply(grads);
        tf.dispose([...grads.values()]);
      }
      expect(tf.memory().numTensors).toBe(tensors);
      expect(numDataIds()).toBe(ids);
      dispose(params, adam);
    }
  });

  it('state dict round trip resumes exactly', async () => {
    const config = CONFIGS['decoupled weight decay (AdamW)']!;
    const params = makeParams(4);
    const adam = new Adam(params, config);
    for (let step = 0; step < 2; step++) {
      const grads = makeGrads(step);
      adam.apply(grads);
      tf.dispose([...grads.values()]);
    }
    const state = adam.stateDict();
    expect([...state.tensors.keys()].sort()).toEqual(SHAPES.flatMap((_, i) => [`p${i}.exp_avg`, `p${i}.exp_avg_sq`]).sort());
    expect(state.step).toBe(2);
    const resumedParams = new Map([...params].map(([name, p]) => [name, tf.variable(p.clone(), true, `${p.name}-resumed`)]));
    const resumed = new Adam(resumedParams, config);
    resumed.loadStateDict(state);
    const grads = makeGrads(2);
    adam.apply(grads);
    resumed.apply(grads);
    tf.dispose([...grads.values()]);
    const a = await snapshot(params, adam);
    const b = await snapshot(resumedParams, resumed);
    for (const [name, values] of a) expect(maxAbsDiff(b.get(name)!, values), name).toBe(0);
    dispose(params, adam);
    dispose(resumedParams, resumed);
  });
});

async function makeParamsValues(seed: number, name: string): Promise<Float32Array> {
  const params = makeParams(seed);
  const values = await params.get(name)!.data();
  tf.dispose([...params.values()]);
  return Float32Array.from(values);
}
