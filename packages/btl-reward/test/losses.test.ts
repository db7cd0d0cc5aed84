import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import { checkGradients } from '@steerable/core/testing';
import { pairwiseAccuracy, pairwiseLogisticLoss } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('pairwise logistic (BTL) loss', () => {
  it('equals mean -log sigmoid(m), computed in float64 by hand', async () => {
    const margins = [-3, -0.5, 0, 0.25, 4, 30];
    const expected = margins.reduce((s, m) => s + Math.log1p(Math.exp(-m)), 0) / margins.length;
    expect((await pairwiseLogisticLoss(tf.tensor(margins)).data())[0]).toBeCloseTo(expected, 5);
    expect((await pairwiseAccuracy(tf.tensor(margins)).data())[0]).toBeCloseTo(3 / 6, 6);
  });

  it('stays finite for large negative margins (no exp overflow)', async () => {
    expect((await pairwiseLogisticLoss(tf.tensor([-200])).data())[0]).toBeCloseTo(200, 3);
  });

  it('its gradient through an intermediate tensor matches finite differences', async () => {
    // The margin is an intermediate (a difference of products), the case where logSigmoid fails.
    const f = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => pairwiseLogisticLoss(tf.sub(tf.mul(a, 1.5), tf.mul(b, b)));
    const result = await checkGradients(f, [tf.tensor([[0.2, -1.3, 2.0]]), tf.tensor([[0.7, 0.1, -0.4]])], { epsilon: 1e-3 });
    expect(result.maxRelativeError).toBeLessThan(1e-2);
  });
});

describe('regression: tf.logSigmoid in tfjs 4.22', () => {
  it('throws in its gradient when the input is an intermediate tensor (if this fails, tfjs fixed it)', () => {
    const x = tf.tensor([0.3, -1.2]);
    const onIntermediate = (input: tf.Tensor): tf.Tensor => tf.neg(tf.mean(tf.logSigmoid(tf.mul(input, 2))));
    expect(() => tf.grad(onIntermediate)(x)).toThrow(/reading 'backend'/);
  });

  it('is correct on a leaf input, and softplus(-x) gives the same gradient on the intermediate', async () => {
    const x = tf.tensor([0.3, -1.2]);
    // d/dx -mean(log sigmoid(x)) = -sigmoid(-x) / n
    const expectedLeaf = [0.3, -1.2].map((v) => -1 / (1 + Math.exp(v)) / 2);
    const leaf = await tf
      .grad((input: tf.Tensor) => tf.neg(tf.mean(tf.logSigmoid(input))))(x)
      .data();
    expectedLeaf.forEach((g, i) => expect(leaf[i]).toBeCloseTo(g, 6));
    const expectedIntermediate = [0.3, -1.2].map((v) => -2 / (1 + Math.exp(2 * v)) / 2);
    const ours = await tf
      .grad((input: tf.Tensor) => pairwiseLogisticLoss(tf.mul(input, 2)))(x)
      .data();
    expectedIntermediate.forEach((g, i) => expect(ours[i]).toBeCloseTo(g, 6));
  });
});
