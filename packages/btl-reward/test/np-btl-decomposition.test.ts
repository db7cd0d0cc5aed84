import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import { type Module, MultiHeadAttention, Rng, valueAndGradients } from '@steerable/core';
import { type DiagonalGaussian, gaussianKl, sampleGaussian, SPLIT_FIRST_LAYER_MIN_DIM } from '@steerable/np-encoder';
import { type NpBtlRewardModel, type PairTensors, type RewardModelConfig, createRewardModel } from '../src/index.js';
import { randomPairTensors } from './helpers.js';

/**
 * NP-BTL computes g1([phi(e); z]) as e W_phi + (z W_z + b) per task and the set pooling as
 * in-projection -> setAttentionPool -> (sum a) W_out + k b_out. This file checks both against the
 * formulation written the straightforward way, from the same parameters: core's
 * MultiHeadAttention then a sum over the set, z tiled to every option and concatenated to
 * phi(e), the head's Linear(2H, H) on the concatenation. Same rng seeds, so the same attention
 * dropout masks and latent samples.
 */

/** The model's own attention module (its variables, so gradients reach them), used as a whole. */
function referenceAttention(model: NpBtlRewardModel): MultiHeadAttention {
  const child = model.encoder.aggregator.children().find(([name]) => name === 'attention');
  if (!(child?.[1] instanceof MultiHeadAttention)) throw new Error('the aggregator has no attention module');
  return child[1];
}

/** rho's output for a context set: pair encoder, attention, sum over the set, rho. */
function referenceRho(model: NpBtlRewardModel, attention: MultiHeadAttention, chosen: tf.Tensor, rejected: tf.Tensor, rng: Rng): tf.Tensor {
  const net = model.encoder.pairEncoder.children().find(([name]) => name === 'net')![1] as Module;
  const u = (net as unknown as { forward(x: tf.Tensor): tf.Tensor }).forward(tf.concat([chosen, rejected], -1));
  return model.encoder.rho.forward(tf.sum(attention.forward(u, { rng }), 1));
}

function referenceGaussian(out: tf.Tensor): DiagonalGaussian {
  const [mean, raw] = tf.split(out, 2, -1) as [tf.Tensor, tf.Tensor];
  return { mean, std: tf.softplus(raw) };
}

/**
 * Per-option rewards with z tiled to every option and concatenated, g on the concatenation. With
 * FiLM conditioning, g's first layer is written out: the phi half scaled by (1 + gamma(z)), the z
 * half and the bias added, then beta(z).
 */
function referenceRewards(model: NpBtlRewardModel, options: tf.Tensor, z: tf.Tensor): tf.Tensor {
  const [b, n] = options.shape as [number, number, number];
  const zTiled = tf.tile(z.reshape([b, 1, -1]), [1, n, 1]);
  if (!model.film) return model.head.forward(tf.concat([model.phi.forward(options), zTiled], -1)).squeeze([-1]);
  const h = model.config.hiddenDim;
  const [wPhi, wZ] = tf.split(model.head.hidden.weight, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
  const [gamma, beta] = tf.split(model.film.forward(zTiled), 2, -1) as [tf.Tensor, tf.Tensor];
  const phiPart = tf.matMul(model.phi.forward(options).reshape([-1, h]), wPhi).reshape([b, n, h]);
  const zPart = tf.add(tf.matMul(zTiled.reshape([-1, h]), wZ).reshape([b, n, h]), model.head.hidden.bias!);
  let hidden = tf.add(tf.add(tf.mul(phiPart, tf.add(gamma, 1)), zPart), beta).reshape([-1, h]);
  if (model.head.norm) hidden = model.head.norm.forward(hidden);
  return model.head.out.forward(tf.relu(hidden)).reshape([b, n]);
}

/** The model's forward (logits and regularizer), written the straightforward way. */
function referenceForward(model: NpBtlRewardModel, batch: PairTensors, rng: Rng): { logits: tf.Tensor; regularizer: tf.Scalar | null } {
  const attention = referenceAttention(model);
  const targets = tf.concat([batch.targetChosen, batch.targetRejected], 1);
  const logitsFor = (z: tf.Tensor): tf.Tensor => {
    const [chosen, rejected] = tf.split(referenceRewards(model, targets, z), 2, 1) as [tf.Tensor, tf.Tensor];
    return tf.sub(chosen, rejected);
  };
  const contextRho = referenceRho(model, attention, batch.contextChosen, batch.contextRejected, rng);
  if (model.config.variant === 'deterministic') return { logits: logitsFor(contextRho), regularizer: null };
  const qContext = referenceGaussian(contextRho);
  if (!model.training) return { logits: logitsFor(qContext.mean), regularizer: null };
  const fullChosen = tf.concat([batch.contextChosen, batch.targetChosen], 1);
  const fullRejected = tf.concat([batch.contextRejected, batch.targetRejected], 1);
  const qFull = referenceGaussian(referenceRho(model, attention, fullChosen, fullRejected, rng));
  const textbook = model.config.klDirection === 'target-context';
  const kl = textbook ? gaussianKl(qFull, qContext) : gaussianKl(qContext, qFull);
  const samples: tf.Tensor[] = [];
  for (let s = 0; s < model.config.numSamples; s++) samples.push(logitsFor(sampleGaussian(textbook ? qFull : qContext, rng)));
  return { logits: tf.concat(samples, 1), regularizer: tf.mul(kl, model.config.betaKl) as tf.Scalar };
}

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = await Promise.all([a.data(), b.data()]);
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]! - y[i]!));
  return max;
}

const SMALL = { inputDim: 3, hiddenDim: 16, numHeads: 4, initSeed: 2 };
const CASES: Array<[string, RewardModelConfig]> = [
  ['deterministic, linear pair encoder', { kind: 'np-btl', ...SMALL, attentionDropout: 0.3 }],
  ['deterministic, mlp pair encoder, no BatchNorm', { kind: 'np-btl', ...SMALL, pairEncoder: 'mlp', batchNorm: false, attentionDropout: 0.3 }],
  ['latent, textbook KL, 2 samples', { kind: 'np-btl', ...SMALL, variant: 'latent', numSamples: 2, betaKl: 0.5, attentionDropout: 0.3 }],
  [
    'latent, original KL direction',
    { kind: 'np-btl', ...SMALL, variant: 'latent', klDirection: 'context-target', betaKl: 0.5, pairEncoder: 'mlp', attentionDropout: 0.3 },
  ],
  // Wide enough that the pair encoder and phi run their first layers on chosen and rejected apart.
  ['deterministic, linear pair encoder, split first layers', { kind: 'np-btl', ...SMALL, inputDim: SPLIT_FIRST_LAYER_MIN_DIM, attentionDropout: 0.3 }],
  ['deterministic, FiLM conditioning', { kind: 'np-btl', ...SMALL, conditioning: 'film', attentionDropout: 0.3 }],
  [
    'latent, FiLM conditioning, BatchNorm, split first layers',
    {
      kind: 'np-btl',
      ...SMALL,
      inputDim: SPLIT_FIRST_LAYER_MIN_DIM,
      conditioning: 'film',
      batchNorm: true,
      variant: 'latent',
      betaKl: 0.5,
      attentionDropout: 0.3,
    },
  ],
  [
    'latent, mlp pair encoder, split first layers, 2 samples',
    { kind: 'np-btl', ...SMALL, inputDim: SPLIT_FIRST_LAYER_MIN_DIM, variant: 'latent', numSamples: 2, betaKl: 0.5, pairEncoder: 'mlp', attentionDropout: 0.3 },
  ],
];

describe.each(['cpu', 'wasm'] as const)('NP-BTL equals the tile+concat / attention-then-sum formulation on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(CASES)('%s: train mode (seeded attention dropout and latent samples), logits, regularizer and every gradient', async (_name, config) => {
    const model = createRewardModel(config) as NpBtlRewardModel;
    const batch = randomPairTensors(3, 4, 5, config.inputDim, 11);
    const ours = model.forward(batch, { rng: new Rng(7) });
    const ref = referenceForward(model, batch, new Rng(7));
    expect(await maxAbsDiff(ours.logits, ref.logits)).toBeLessThan(1e-5);
    if (config.variant === 'latent') expect(await maxAbsDiff(ours.regularizer!, ref.regularizer!)).toBeLessThan(1e-5);
    else expect(ours.regularizer).toBeNull();

    // The gradients of a loss that weighs every logit differently, through both formulations.
    const weights = tf.tensor(new Rng(3).fillUniform(new Float32Array(ours.logits.size), -1, 1), ours.logits.shape);
    const lossOf = (out: { logits: tf.Tensor; regularizer: tf.Scalar | null }): tf.Scalar => {
      const weighted = tf.sum(tf.mul(out.logits, weights)) as tf.Scalar;
      return out.regularizer ? (tf.add(weighted, out.regularizer) as tf.Scalar) : weighted;
    };
    const params = model.trainableParameters();
    const a = valueAndGradients(() => lossOf(model.forward(batch, { rng: new Rng(8) })), params);
    const b = valueAndGradients(() => lossOf(referenceForward(model, batch, new Rng(8))), params);
    expect(await maxAbsDiff(a.value, b.value)).toBeLessThan(1e-5);
    for (const [name] of params) {
      const ga = a.grads.get(name)!;
      const gb = b.grads.get(name)!;
      const scale = Math.max(1, ...Array.from(await gb.data()).map(Math.abs));
      expect((await maxAbsDiff(ga, gb)) / scale, name).toBeLessThan(1e-5);
    }
  });

  it.each(CASES)('%s: eval mode, logits and per-option rewards', async (_name, config) => {
    const model = createRewardModel(config) as NpBtlRewardModel;
    // A few training forwards first, so BatchNorm's running statistics are not the identity.
    for (let i = 0; i < 3; i++) tf.dispose(Object.values(model.forward(randomPairTensors(3, 4, 5, config.inputDim, 20 + i), { rng: new Rng(i) })));
    model.eval();
    const batch = randomPairTensors(2, 6, 4, config.inputDim, 12);
    const ours = model.forward(batch);
    const ref = referenceForward(model, batch, new Rng(0));
    expect(await maxAbsDiff(ours.logits, ref.logits)).toBeLessThan(1e-5);
    const context = { chosen: batch.contextChosen, rejected: batch.contextRejected };
    const rewards = model.optionRewards(batch.targetChosen, context);
    const refRewards = tf.tidy(() => {
      const attention = referenceAttention(model);
      const rho = referenceRho(model, attention, batch.contextChosen, batch.contextRejected, new Rng(0));
      const z = config.variant === 'latent' ? referenceGaussian(rho).mean : rho;
      return referenceRewards(model, batch.targetChosen, z);
    });
    expect(await maxAbsDiff(rewards, refRewards)).toBeLessThan(1e-5);
  });
});
