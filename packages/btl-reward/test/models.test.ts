import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import { Rng, SteerableError } from '@steerable/core';
import { type RewardModelConfig, createRewardModel, DPL_ORIGINAL_C, type DplRewardModel, type NpBtlRewardModel } from '../src/index.js';
import { maxParameterGradientError, randomPairTensors } from './helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const SMALL = { inputDim: 3, hiddenDim: 8, numHeads: 2 };

const CASES: Array<[string, RewardModelConfig]> = [
  ['btl', { kind: 'btl', ...SMALL }],
  ['dpl', { kind: 'dpl', ...SMALL }],
  ['np-btl deterministic, self-attention', { kind: 'np-btl', ...SMALL, pairEncoder: 'mlp', attentionDropout: 0 }],
  ['np-btl latent, textbook KL', { kind: 'np-btl', ...SMALL, variant: 'latent', betaKl: 0.5, numSamples: 2, aggregation: 'mean' }],
  ['np-btl latent, original KL direction', { kind: 'np-btl', ...SMALL, variant: 'latent', betaKl: 0.5, klDirection: 'context-target', aggregation: 'sum' }],
  ['np-btl deterministic, FiLM conditioning', { kind: 'np-btl', ...SMALL, conditioning: 'film', attentionDropout: 0 }],
  ['vpl', { kind: 'vpl', ...SMALL, betaKl: 0.3 }],
];

describe('finite-difference gradient checks of every model loss (training mode, BatchNorm on batch statistics)', () => {
  it.each(CASES)('%s', async (_name, config) => {
    const model = createRewardModel(config);
    const batch = randomPairTensors(3, 2, 4, 3, 1);
    // The same rng state for every evaluation, so latent samples are the same noise each time.
    const loss = (): tf.Scalar => {
      const objective = model.objective(batch, { rng: new Rng(5), step: 10 });
      objective.logits.dispose();
      objective.pairLoss.dispose();
      objective.regularizer?.dispose();
      return objective.loss;
    };
    const { error, where } = await maxParameterGradientError(model, loss, { epsilon: 3e-3 });
    expect(error, where).toBeLessThan(3e-2);
  });
});

describe('the k = 0 path', () => {
  it('NP-BTL with no context scores with z = rho(0) for every user, and never NaN', async () => {
    const model = createRewardModel({ kind: 'np-btl', ...SMALL }) as NpBtlRewardModel;
    model.eval();
    const options = new Rng(2).fillNormal(new Float32Array(4 * 3));
    const rewards = await model.rewards(options);
    expect(rewards.every(Number.isFinite)).toBe(true);
    const prior = model.encoder.rho.forward(tf.zeros([1, 8]));
    const expected = await model.rewardsGivenZ(tf.tensor(options, [1, 4, 3]), prior).data();
    rewards.forEach((r, i) => expect(r).toBeCloseTo(expected[i]!, 5));
  });

  it('training on a k = 0 batch gives finite gradients for the prior (rho) and no gradient NaN anywhere', async () => {
    const model = createRewardModel({ kind: 'np-btl', ...SMALL, attentionDropout: 0 });
    const batch = randomPairTensors(4, 0, 5, 3, 3);
    const grads = tf.variableGrads(
      () => model.objective(batch, { rng: new Rng(1) }).loss,
      model.trainableParameters().map(([, v]) => v),
    );
    for (const g of Object.values(grads.grads)) expect((await g.data()).every(Number.isFinite)).toBe(true);
  });
});

describe('BatchNorm in the head and the batch-shared prior', () => {
  // At k = 0 every task in a batch has z = rho(0); g1 adds z W_z to every option alike and the
  // training-mode BatchNorm subtracts the batch mean, so the prior cannot move the training loss.
  // Without BatchNorm it does (why NP-BTL's default head has none).
  const rhoGradientNorm = async (batchNorm: boolean): Promise<number> => {
    const model = createRewardModel({ kind: 'np-btl', ...SMALL, attentionDropout: 0, batchNorm }) as NpBtlRewardModel;
    const batch = randomPairTensors(4, 0, 5, 3, 3);
    const rho = model.encoder.rho.trainableParameters().map(([, v]) => v);
    const { value, grads } = tf.variableGrads(() => model.objective(batch, { rng: new Rng(1) }).loss, rho);
    const norm = Math.sqrt(Object.values(grads).reduce((sum, g) => sum + (g.square().sum().dataSync()[0] ?? 0), 0));
    value.dispose();
    tf.dispose(Object.values(grads));
    model.dispose();
    return norm;
  };

  it('gives the prior rho(0) no training gradient at k = 0 with BatchNorm, and a real one without', async () => {
    expect(await rhoGradientNorm(true)).toBeLessThan(1e-6);
    expect(await rhoGradientNorm(false)).toBeGreaterThan(1e-3);
  });
});

describe('score() and rewards()', () => {
  it('score = sigmoid(r(chosen) - r(rejected)) for the user described by the context', async () => {
    const model = createRewardModel({ kind: 'np-btl', ...SMALL, pairEncoder: 'mlp' });
    const rng = new Rng(4);
    const chosen = rng.fillNormal(new Float32Array(5 * 3));
    const rejected = rng.fillNormal(new Float32Array(5 * 3));
    const context = { chosen: rng.fillNormal(new Float32Array(2 * 3)), rejected: rng.fillNormal(new Float32Array(2 * 3)) };
    const p = await model.score({ chosen, rejected }, context);
    const rw = await model.rewards(chosen, context);
    const rl = await model.rewards(rejected, context);
    p.forEach((v, i) => expect(v).toBeCloseTo(1 / (1 + Math.exp(-(rw[i]! - rl[i]!))), 5));
    // The context matters for NP-BTL...
    const other = await model.score({ chosen, rejected }, { chosen: context.rejected, rejected: context.chosen });
    expect(Math.max(...other.map((v, i) => Math.abs(v - p[i]!)))).toBeGreaterThan(1e-6);
    // ...score() leaves the model in the mode it found it.
    expect(model.training).toBe(true);
  });

  it('DPL scores with c (mu_w - mu_l) / sqrt(s_w^2 + s_l^2); c defaults to sqrt(2 pi)', async () => {
    const model = createRewardModel({ kind: 'dpl', ...SMALL }) as DplRewardModel;
    expect(model.config.dplC).toBeCloseTo(Math.sqrt(2 * Math.PI), 12);
    const rng = new Rng(6);
    const chosen = rng.fillNormal(new Float32Array(3 * 3));
    const rejected = rng.fillNormal(new Float32Array(3 * 3));
    const p = await model.score({ chosen, rejected });
    model.eval();
    const [muW, sW] = model.meanAndStd(tf.tensor(chosen, [1, 3, 3]));
    const [muL, sL] = model.meanAndStd(tf.tensor(rejected, [1, 3, 3]));
    const [mw, sw, ml, sl] = await Promise.all([muW!.data(), sW!.data(), muL!.data(), sL!.data()]);
    p.forEach((v, i) => {
      const logit = (DPL_ORIGINAL_C * (mw[i]! - ml[i]!)) / Math.sqrt(sw[i]! ** 2 + sl[i]! ** 2);
      expect(v).toBeCloseTo(1 / (1 + Math.exp(-logit)), 5);
    });
  });

  it('BTL ignores the context', async () => {
    const model = createRewardModel({ kind: 'btl', ...SMALL });
    const options = new Rng(7).fillNormal(new Float32Array(2 * 3));
    const a = await model.rewards(options);
    const b = await model.rewards(options, { chosen: [1, 2, 3], rejected: [3, 2, 1] });
    expect(a).toEqual(b);
  });

  it('rejects inputs of the wrong size with a SteerableError naming the field', async () => {
    const model = createRewardModel({ kind: 'btl', ...SMALL });
    await expect(model.score({ chosen: [1, 2], rejected: [1, 2] })).rejects.toThrow(/multiple of the embedding size 3/);
  });
});

describe('createRewardModel', () => {
  it('resolves every default explicitly and rebuilds an identical model from its own config', async () => {
    const model = createRewardModel({ kind: 'np-btl', inputDim: 2, hiddenDim: 8 });
    expect(model.config).toEqual({
      kind: 'np-btl',
      inputDim: 2,
      hiddenDim: 8,
      initSeed: 0,
      batchNorm: false,
      dplC: DPL_ORIGINAL_C,
      pairEncoder: 'linear',
      aggregation: 'self-attention-sum',
      numHeads: 8,
      attentionDropout: 0.1,
      variant: 'deterministic',
      betaKl: 0.005,
      numSamples: 1,
      klDirection: 'target-context',
      latentDim: 8,
      klAnnealSteps: 0,
      frozenUser: false,
      conditioning: 'concat',
    });
    // BatchNorm stays the default where no z is shared by a batch (see the config's comment).
    expect(createRewardModel({ kind: 'btl', inputDim: 2, hiddenDim: 8 }).config.batchNorm).toBe(true);
    expect(createRewardModel({ kind: 'dpl', inputDim: 2, hiddenDim: 8 }).config.batchNorm).toBe(true);
    const again = createRewardModel(JSON.parse(JSON.stringify(model.config)));
    const a = model.stateDict();
    for (const [name, t] of again.stateDict()) expect(Array.from(await t.data())).toEqual(Array.from(await a.get(name)!.data()));
  });

  it('names the bad field in config errors', () => {
    expect(() => createRewardModel({ kind: 'np-btl', inputDim: 2, hiddenDim: 10, numHeads: 8 })).toThrow(SteerableError);
    expect(() => createRewardModel({ kind: 'nope' as 'btl', inputDim: 2 })).toThrow(/field 'kind'/);
    expect(() => createRewardModel({ kind: 'btl', inputDim: 0 })).toThrow(/field 'inputDim'/);
  });
});
