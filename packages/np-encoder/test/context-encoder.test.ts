import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import { Rng } from '@steerable/core';
import { checkGradients } from '@steerable/core/testing';
import { ContextEncoder, VplEncoder, gaussianKl, sampleGaussian, standardNormalKl, type Aggregation } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

function randomContext(b: number, k: number, d: number, seed: number): { chosen: tf.Tensor; rejected: tf.Tensor } {
  const rng = new Rng(seed);
  return {
    chosen: tf.tensor(rng.fillNormal(new Float32Array(b * k * d)), [b, k, d]),
    rejected: tf.tensor(rng.fillNormal(new Float32Array(b * k * d)), [b, k, d]),
  };
}

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

const AGGREGATIONS: Aggregation[] = ['mean', 'sum', 'self-attention-sum'];

describe('ContextEncoder', () => {
  it.each(AGGREGATIONS)('%s: k = 0 gives rho(0) for every task, finite, without touching the pair encoder', async (aggregation) => {
    const encoder = new ContextEncoder({ inputDim: 3, hiddenDim: 8, aggregation, numHeads: 2 }, new Rng(1)).eval();
    const z = await values(encoder.encode(randomContext(4, 0, 3, 2)));
    const prior = await values(encoder.rho.forward(tf.zeros([1, 8])));
    expect(z.every(Number.isFinite)).toBe(true);
    for (let b = 0; b < 4; b++) expect(z.slice(b * 8, b * 8 + 8).map((v) => v.toFixed(5))).toEqual(prior.map((v) => v.toFixed(5)));
  });

  it.each(AGGREGATIONS)('%s: invariant to the order of context pairs, sensitive to which option was chosen', async (aggregation) => {
    const encoder = new ContextEncoder({ inputDim: 2, hiddenDim: 8, aggregation, numHeads: 2, pairEncoder: 'mlp' }, new Rng(3)).eval();
    const ctx = randomContext(1, 5, 2, 4);
    const order = [3, 0, 4, 1, 2];
    const permuted = { chosen: tf.gather(ctx.chosen, order, 1), rejected: tf.gather(ctx.rejected, order, 1) };
    const a = await values(encoder.encode(ctx));
    const b = await values(encoder.encode(permuted));
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 4));
    const swapped = await values(encoder.encode({ chosen: ctx.rejected, rejected: ctx.chosen }));
    expect(Math.max(...swapped.map((v, i) => Math.abs(v - a[i]!)))).toBeGreaterThan(1e-5);
  });

  it('mean pooling of k identical pairs equals one pair; sum pooling scales with k before rho', async () => {
    const mean = new ContextEncoder({ inputDim: 2, hiddenDim: 4, aggregation: 'mean' }, new Rng(5)).eval();
    const one = randomContext(1, 1, 2, 6);
    const repeated = { chosen: tf.tile(one.chosen, [1, 3, 1]), rejected: tf.tile(one.rejected, [1, 3, 1]) };
    const a = await values(mean.represent(one));
    const b = await values(mean.represent(repeated));
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 5));
    const sum = new ContextEncoder({ inputDim: 2, hiddenDim: 4, aggregation: 'sum' }, new Rng(5)).eval();
    const c = await values(sum.represent(repeated));
    a.forEach((v, i) => expect(c[i]).toBeCloseTo(3 * v, 4));
  });

  it('gradients w.r.t. the context embeddings match finite differences (self-attention, eval mode)', async () => {
    const encoder = new ContextEncoder({ inputDim: 2, hiddenDim: 8, numHeads: 2, pairEncoder: 'mlp' }, new Rng(7)).eval();
    const ctx = randomContext(2, 3, 2, 8);
    const w = tf.tensor(new Rng(9).fillUniform(new Float32Array(16), -1, 1), [2, 8]);
    const f = (chosen: tf.Tensor, rejected: tf.Tensor): tf.Scalar => tf.sum(tf.mul(encoder.encode({ chosen, rejected }), w));
    const result = await checkGradients(f, [ctx.chosen, ctx.rejected], { epsilon: 1e-3 });
    expect(result.maxRelativeError).toBeLessThan(2e-2);
  });

  it('latent variant: positive std, encode() is the posterior mean, sampling is reparameterised', async () => {
    const encoder = new ContextEncoder({ variant: 'latent', inputDim: 2, hiddenDim: 4, aggregation: 'sum' }, new Rng(10)).eval();
    const ctx = randomContext(3, 2, 2, 11);
    const q = encoder.distribution(ctx);
    expect((await values(q.std)).every((s) => s > 0)).toBe(true);
    expect(await values(encoder.encode(ctx))).toEqual(await values(q.mean));
    const z1 = await values(sampleGaussian(q, new Rng(12)));
    const z2 = await values(sampleGaussian(q, new Rng(12)));
    expect(z1).toEqual(z2);
    // d z / d mean = 1 for every coordinate (the reparameterisation trick).
    const g = tf.grad((m: tf.Tensor) => tf.sum(sampleGaussian({ mean: m, std: q.std }, new Rng(13))))(q.mean);
    expect((await values(g)).every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
  });
});

describe('Gaussian KL', () => {
  it('matches the closed form computed by hand and is zero for equal distributions', async () => {
    // KL(N(1, 0.5^2) || N(0, 2^2)) = log(2/0.5) + (0.25 + 1) / 8 - 0.5 = 1.386294 + 0.15625 - 0.5
    const q = { mean: tf.tensor([[1]]), std: tf.tensor([[0.5]]) };
    const p = { mean: tf.tensor([[0]]), std: tf.tensor([[2]]) };
    expect((await gaussianKl(q, p).data())[0]).toBeCloseTo(Math.log(4) + 1.25 / 8 - 0.5, 5);
    expect((await gaussianKl(q, q).data())[0]).toBeCloseTo(0, 6);
    // KL(N(1, 0.5^2) || N(0, 1)) = 0.5 * (0.25 + 1 - 1 - log 0.25)
    expect((await standardNormalKl(q).data())[0]).toBeCloseTo(0.5 * (0.25 - Math.log(0.25)), 5);
  });

  it('gradients match finite differences', async () => {
    const f = (m1: tf.Tensor, s1: tf.Tensor, m2: tf.Tensor, s2: tf.Tensor): tf.Scalar => gaussianKl({ mean: m1, std: s1 }, { mean: m2, std: s2 });
    const inputs = [tf.tensor([[0.3, -1]]), tf.tensor([[0.7, 1.2]]), tf.tensor([[0.1, 0.4]]), tf.tensor([[1.1, 0.9]])];
    expect((await checkGradients(f, inputs, { epsilon: 1e-3 })).maxRelativeError).toBeLessThan(2e-2);
  });
});

describe('VplEncoder', () => {
  it('projects samples onto the sphere of radius sqrt(latentDim) and handles k = 0', async () => {
    const vpl = new VplEncoder({ inputDim: 3, hiddenDim: 8, latentDim: 4 }, new Rng(14));
    const q = vpl.distribution(randomContext(2, 5, 3, 15));
    const z = await values(vpl.project(sampleGaussian(q, new Rng(16))));
    for (let b = 0; b < 2; b++) expect(Math.hypot(...z.slice(b * 4, b * 4 + 4))).toBeCloseTo(2, 4);
    const empty = vpl.distribution(randomContext(2, 0, 3, 17));
    expect((await values(empty.mean)).every(Number.isFinite)).toBe(true);
  });
});
