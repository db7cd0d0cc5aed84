import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryLogger, SteerableError } from '@steerable/core';
import { checkGradients } from '@steerable/core/testing';
import {
  type BackendName,
  initBackend,
  isBackendName,
  pairwiseLoss,
  registerSteerableKernels,
  resetFallbackWarnings,
  sequenceLogProbs,
  setAttentionPool,
  SteerableSequenceLogProbs,
  unregisterSteerableKernels,
} from '../src/index.js';
import { expectFusedCasesLeakNothing, parityCases, sequenceLogProbsCase } from './fused-parity.js';
import { relativeDiff } from './helpers.js';

// float32 kernels accumulate in float64 while the composites accumulate in float32, so the
// tolerance is float32's, scaled by the magnitudes (relativeDiff divides by max(1, |oracle|)).
const FLOAT32_TOLERANCE = 2e-5;

// cpu and wasm always; GPU-style backends on request (STEERABLE_TEST_BACKENDS=webgpu,webgl,tensorflow,
// as scripts/gpu/run-gpu-checks.sh sets it), because on a CPU-only machine they render in software
// and take minutes. A requested backend that cannot initialise skips, saying why.
const extraBackends = (process.env.STEERABLE_TEST_BACKENDS ?? '').split(',').filter((b): b is BackendName => isBackendName(b) && b !== 'cpu' && b !== 'wasm');

for (const backend of ['cpu', 'wasm', ...extraBackends] as const) {
  describe(`fused ops on ${backend}`, () => {
    let unavailable: string | null = null;
    beforeAll(async () => {
      try {
        await initBackend({ backend });
      } catch (error) {
        unavailable = (error as Error).message;
      }
    });

    for (const c of parityCases()) {
      it(`${c.name}: value and gradients equal the composite`, async (context) => {
        if (unavailable) context.skip(`backend ${backend} did not initialise: ${unavailable}`);
        await tf.setBackend(backend);
        const fused = c.run(true);
        const composite = c.run(false);
        expect(fused.length).toBe(composite.length);
        for (let i = 0; i < fused.length; i++) {
          expect(fused[i]!.shape, `output ${i} shape`).toEqual(composite[i]!.shape);
          const err = relativeDiff(await fused[i]!.data(), await composite[i]!.data());
          expect(err, `output ${i}`).toBeLessThan(FLOAT32_TOLERANCE);
        }
        tf.dispose([...fused, ...composite]);
      });
    }

    it('the fused ops run without leaking tensors or backend data', async (context) => {
      if (unavailable) context.skip(`backend ${backend} did not initialise: ${unavailable}`);
      await tf.setBackend(backend);
      expectFusedCasesLeakNothing(parityCases());
    });
  });
}

describe('fused ops: independent checks', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('sequenceLogProbs equals a hand-computed log-softmax sum', async () => {
    const logits = tf.tensor3d([
      [
        [1, 2, 3],
        [0, 0, 0],
      ],
    ]);
    const labels = tf.tensor2d([[2, 1]], [1, 2], 'int32');
    const mask = tf.tensor2d([[1, 1]]);
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const expected = 3 - lse + (0 - Math.log(3));
    expect((await sequenceLogProbs(logits, labels, mask).data())[0]).toBeCloseTo(expected, 5);
  });

  it('the fused gradients pass a finite-difference check', async () => {
    const logits = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1);
    const labels = tf.tensor2d(
      [
        [0, 3, 1],
        [2, 2, 0],
      ],
      [2, 3],
      'int32',
    );
    const mask = tf.tensor2d([
      [1, 0, 1],
      [1, 1, 1],
    ]);
    const seq = await checkGradients((x) => tf.sum(tf.mul(sequenceLogProbs(x!, labels, mask), tf.tensor1d([0.3, -1.2]))), [logits], { epsilon: 1e-2 });
    expect(seq.maxRelativeError).toBeLessThan(1e-2);
    const pair = await checkGradients((c, r) => pairwiseLoss(c!, r!, 0.7), [tf.tensor1d([0.5, -1, 2]), tf.tensor1d([1, 0.2, -0.4])], { epsilon: 1e-2 });
    expect(pair.maxRelativeError).toBeLessThan(1e-2);
    const q = tf.randomNormal([2, 3, 2], 0, 1, 'float32', 2);
    const k = tf.randomNormal([2, 3, 2], 0, 1, 'float32', 3);
    const v = tf.randomNormal([2, 3, 2], 0, 1, 'float32', 4);
    const att = await checkGradients((a, b, c) => tf.sum(tf.square(setAttentionPool(a!, b!, c!))), [q, k, v], { epsilon: 1e-2 });
    expect(att.maxRelativeError).toBeLessThan(1e-2);
  });

  it('pairwiseLoss stays finite at margins where a naive log(sigmoid) overflows', async () => {
    const loss = pairwiseLoss(tf.tensor1d([-200, 200]), tf.tensor1d([0, 0]));
    expect((await loss.data())[0]).toBeCloseTo(100, 4);
  });

  it('rejects bad arguments with a SteerableError naming the field', () => {
    const logits = tf.zeros([2, 3, 4]);
    expect(() => sequenceLogProbs(logits, tf.zeros([2, 3]), tf.zeros([2, 3]))).toThrow(/field 'labels'.*int32|int32/s);
    expect(() => sequenceLogProbs(logits, tf.zeros([2, 4], 'int32'), tf.zeros([2, 3]))).toThrow(SteerableError);
    expect(() => pairwiseLoss(tf.zeros([3]), tf.zeros([4]))).toThrow(/rejected/);
    expect(() => setAttentionPool(tf.zeros([2, 3]), tf.zeros([2, 3]), tf.zeros([2, 3]))).toThrow(/rank 3/);
  });

  it('falls back to the composite with one warning when the backend has no kernel', async () => {
    const logger = new MemoryLogger();
    unregisterSteerableKernels('cpu');
    registerSteerableKernels('wasm', logger); // sets the logger; cpu stays stock
    unregisterSteerableKernels('wasm');
    await tf.setBackend('cpu');
    resetFallbackWarnings();
    expect(tf.getKernel(SteerableSequenceLogProbs, 'cpu')).toBeUndefined();
    const c = sequenceLogProbsCase('fallback', 2, 3, 5, 20);
    const first = c.run(true);
    const again = c.run(true);
    const oracle = c.run(false);
    expect(relativeDiff(await first[0]!.data(), await oracle[0]!.data())).toBe(0);
    const warnings = logger.records.filter((r) => r.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/SteerableSequenceLogProbs.*'cpu'/);
    tf.dispose([...first, ...again, ...oracle]);
    await initBackend({ backend: 'wasm' });
    await initBackend({ backend: 'cpu' });
  });
});
