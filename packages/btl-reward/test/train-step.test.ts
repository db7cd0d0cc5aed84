import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, Rng } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import { createRewardModel, pairwiseAccuracy, trainStep } from '../src/index.js';
import { randomPairTensors } from './helpers.js';

describe('trainStep', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('returns the pre-update objective, accuracy and KL, updates the parameters, and leaks nothing', async () => {
    const model = createRewardModel({
      kind: 'np-btl',
      inputDim: 3,
      hiddenDim: 8,
      numHeads: 2,
      variant: 'latent',
      betaKl: 0.5,
      attentionDropout: 0,
      initSeed: 1,
    });
    model.train();
    const params = model.trainableParameters();
    const adam = new Adam(params, { lr: 1e-2, eps: 1e-8 });
    const batch = randomPairTensors(4, 3, 5, 3, 2);
    // The same rng seed gives the same latent sample, so the objective here is the step's.
    const expected = tf.tidy(() => {
      const objective = model.objective(batch, { rng: new Rng(9) });
      return [objective.loss, pairwiseAccuracy(objective.logits), objective.regularizer!];
    });
    const [loss, accuracy, kl] = await Promise.all(expected.map(async (t) => (await t.data())[0]!));
    tf.dispose(expected);
    const before = Array.from(await params[0]![1].data());

    const result = await trainStep(model, adam, params, batch, { rng: new Rng(9) });
    expect(result.loss).toBeCloseTo(loss!, 5);
    expect(result.accuracy).toBeCloseTo(accuracy!, 6);
    expect(result.regularizer).toBeCloseTo(kl!, 5);
    expect(Array.from(await params[0]![1].data())).not.toEqual(before);

    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await trainStep(model, adam, params, batch, { rng: new Rng(i) });
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose(Object.values(batch));
    adam.dispose();
    model.dispose();
  });
});
