import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import { generatePaperSynthetic } from '@steerable/preference-data';
import { type RewardModel, type RewardModelConfig, createRewardModel, evaluateRewardModel, trainRewardModel } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const data = generatePaperSynthetic({ numPairs: 800, seed: 7 });
// 30 tasks per user in batches of 16: a last, partial batch too.
const OPTIONS = { split: 'validation' as const, ks: [0, 1, 3, 5], numTargets: 6, tasksPerUser: 30, seed: 2, batchSize: 16, calibration: true };
const NP: RewardModelConfig = { kind: 'np-btl', inputDim: 1, hiddenDim: 16, numHeads: 2, pairEncoder: 'mlp', initSeed: 3 };

/** The same model without prepareTargets: evaluateRewardModel then scores each k on its own. */
function withoutPreparedTargets(model: RewardModel): RewardModel {
  return new Proxy(model, { get: (target, key) => (key === 'prepareTargets' ? () => null : Reflect.get(target, key, target)) });
}

/** Counts forward passes and the target pairs they score. */
function countForward(model: RewardModel): { calls: number; pairs: number } {
  const counter = { calls: 0, pairs: 0 };
  const forward = model.forward.bind(model);
  model.forward = (batch, options) => {
    counter.calls += 1;
    counter.pairs += batch.targetChosen.shape[0]! * batch.targetChosen.shape[1]!;
    return forward(batch, options);
  };
  return counter;
}

describe('evaluating NP-BTL at several k on shared targets', () => {
  it.each([
    ['deterministic, no head BatchNorm', NP],
    ['the paper head (BatchNorm in eval mode)', { ...NP, batchNorm: true }],
    ['latent (the posterior mean in eval mode)', { ...NP, variant: 'latent' as const }],
    ['FiLM conditioning', { ...NP, conditioning: 'film' as const }],
  ])('%s: the report of scoring each k on its own, to the bit, with one preparation per batch', async (_, config) => {
    const model = createRewardModel(config);
    // Trained a little, so that z depends on the context and BatchNorm's statistics are not the initial ones.
    await trainRewardModel({
      model,
      trainSet: data,
      sampler: { numTargets: 6, contextSize: [0, 5], batchSize: 8, tasksPerEpoch: 48 },
      optimizer: { lr: 3e-3 },
      epochs: 2,
      seed: 1,
    });
    const expected = await evaluateRewardModel(withoutPreparedTargets(model), data, OPTIONS);
    const counter = countForward(model);
    const before = tf.memory().numTensors;
    const report = await evaluateRewardModel(model, data, OPTIONS);
    expect(tf.memory().numTensors).toBe(before);
    expect(counter.calls).toBe(0);
    expect(report.heldout).toEqual(expected.heldout);
    expect(report.all_targets).toEqual(expected.all_targets);
    expect(report.calibration).toEqual(expected.calibration);
    // The logits depend on the context (the held-out NLL moves with k): a z ignored would show here.
    expect(report.calibration!.overall!['5']!.nll).not.toBe(report.calibration!.overall!['0']!.nll);
    model.dispose();
  });

  it('falls back to scoring each k on its own when the tasks do not line up (a user skipped at the larger k)', async () => {
    // Keep 15 of one user's validation labels: enough for k = 0 (T = 6), too few for k = 20.
    let kept = 0;
    const lopsided = { ...data, labels: data.labels.filter((label) => label.user !== 'moderation' || label.split !== 'validation' || kept++ < 15) };
    const options = { ...OPTIONS, ks: [0, 20], tooFewLabels: 'skip' as const };
    const model = createRewardModel(NP);
    const counter = countForward(model);
    const report = await evaluateRewardModel(model, lopsided, options);
    expect(counter.calls).toBeGreaterThan(0);
    expect(Object.keys(report.heldout.moderation!)).toEqual(['0']);
    expect(Object.keys(report.heldout['more-is-better']!)).toEqual(['0', '20']);
    // Lined up again (every user at every k), the same model is scored without a forward pass.
    const lined = countForward(model);
    await evaluateRewardModel(model, data, options);
    expect(lined.calls).toBe(0);
    model.dispose();
  });
});
