import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import { PolicyAdapters, dpoLosses, dpoMetrics, generate, sampleToken, disposeKvCache } from '../src/index.js';
import { tinyModel } from './helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const logps = () => ({
  policyChosen: tf.tensor1d([-3, -5]),
  policyRejected: tf.tensor1d([-4, -2]),
  referenceChosen: tf.tensor1d([-3.5, -4]),
  referenceRejected: tf.tensor1d([-3.5, -3]),
});
// h = (pc - pr) - (rc - rr) = [1 - 0, -3 - (-1)] = [1, -2]
const h = [1, -2];
const logSigmoid = (x: number): number => -Math.log1p(Math.exp(-x));

describe('DPO losses (TRL loss_type semantics)', () => {
  it('sigmoid with label smoothing', async () => {
    const beta = 0.5;
    const eps = 0.1;
    const got = await dpoLosses(logps(), { beta, lossType: 'sigmoid', labelSmoothing: eps }).data();
    h.forEach((v, i) => expect(got[i]).toBeCloseTo(-logSigmoid(beta * v) * (1 - eps) - logSigmoid(-beta * v) * eps, 5));
  });
  it('ipo', async () => {
    const beta = 0.25;
    const got = await dpoLosses(logps(), { beta, lossType: 'ipo', labelSmoothing: 0 }).data();
    h.forEach((v, i) => expect(got[i]).toBeCloseTo((v - 1 / (2 * beta)) ** 2, 5));
  });
  it('robust', async () => {
    const beta = 0.5;
    const eps = 0.2;
    const got = await dpoLosses(logps(), { beta, lossType: 'robust', labelSmoothing: eps }).data();
    h.forEach((v, i) => expect(got[i]).toBeCloseTo((-logSigmoid(beta * v) * (1 - eps) + logSigmoid(-beta * v) * eps) / (1 - 2 * eps), 5));
  });
  it('has the sigmoid gradient d loss / d h = -beta * sigmoid(-beta h) (finite differences)', async () => {
    const beta = 0.7;
    const f = (pc: tf.Tensor) =>
      tf.sum(dpoLosses({ ...logps(), policyChosen: pc as tf.Tensor1D }, { beta, lossType: 'sigmoid', labelSmoothing: 0 })) as tf.Scalar;
    const g = await tf
      .grad(f)(tf.tensor1d([-3, -5]))
      .data();
    h.forEach((v, i) => expect(g[i]).toBeCloseTo(-beta / (1 + Math.exp(beta * v)), 5));
  });
  it('reports TRL metric names and values', async () => {
    const l = logps();
    const m = await dpoMetrics(l, dpoLosses(l, { beta: 0.1, lossType: 'sigmoid', labelSmoothing: 0 }), 0.1);
    expect(m['rewards/chosen']).toBeCloseTo((0.1 * 0.5 + 0.1 * -1) / 2, 6);
    expect(m['rewards/rejected']).toBeCloseTo((0.1 * -0.5 + 0.1 * 1) / 2, 6);
    expect(m['rewards/margins']).toBeCloseTo((0.1 - 0.2) / 2, 6);
    expect(m['rewards/accuracies']).toBe(0.5);
    expect(m['logps/chosen']).toBe(-4);
    expect(m['logps/rejected']).toBe(-3);
  });
  it('rejects label smoothing outside [0, 0.5)', () => {
    expect(() => dpoLosses(logps(), { beta: 0.1, lossType: 'robust', labelSmoothing: 0.5 })).toThrow(/label_smoothing/);
  });
});

describe('generation', () => {
  it('KV-cached decoding gives the same logits as recomputing the prefix', async () => {
    const model = tinyModel(7);
    const adapters = new PolicyAdapters({ lora: { rank: 2, alpha: 4, dropout: 0 }, filmLatentDim: 2 }, 2, 16, new Rng(1));
    for (const [, v] of adapters.namedParameters()) v.assign(tf.randomNormal(v.shape, 0, 0.3, 'float32', 3));
    const sw = { adapters, lora: true, z: tf.tensor2d([[0.4, -1.2]]) };
    const ids = [0, 5, 9, 3, 7, 2, 11];
    const full = (await model.forward(tf.tensor2d([ids], undefined, 'int32'), { adapters: sw }).logits.array())[0]!;
    let out = model.forward(tf.tensor2d([ids.slice(0, 3)], undefined, 'int32'), { adapters: sw, useCache: true });
    let worst = 0;
    const first = (await out.logits.array())[0]!;
    first.forEach((row, t) => row.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - full[t]![i]!)))));
    for (let t = 3; t < ids.length; t++) {
      const next = model.forward(tf.tensor2d([[ids[t]!]], undefined, 'int32'), { adapters: sw, cache: out.cache, useCache: true });
      disposeKvCache(out.cache);
      out = next;
      const row = (await out.logits.array())[0]![0]!;
      row.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - full[t]![i]!))));
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('is seeded, stops at stop tokens, and cached and uncached sampling agree', async () => {
    const model = tinyModel(8);
    const prompts = [
      [0, 4, 5],
      [0, 6, 7],
      [0, 2],
    ];
    const a = await generate(model, prompts, { maxNewTokens: 8, seed: 3, temperature: 1, topP: 0.9, stopTokens: [1, 2] });
    const b = await generate(model, prompts, { maxNewTokens: 8, seed: 3, temperature: 1, topP: 0.9, stopTokens: [1, 2], useKvCache: false });
    expect(b.tokens).toEqual(a.tokens);
    a.tokens.forEach((seq, i) => {
      const stopAt = seq.findIndex((t) => t === 1 || t === 2);
      if (a.finished[i]) expect(stopAt).toBe(seq.length - 1);
      else expect(seq.length).toBe(8);
    });
    const c = await generate(model, prompts, { maxNewTokens: 8, seed: 4, temperature: 1, topP: 1, stopTokens: [1, 2] });
    expect(c.tokens).not.toEqual(a.tokens);
  });

  it('top-k keeps only the k best tokens, top-p the nucleus, temperature 0 is greedy', () => {
    const logits = [2, 1, 0.5, 3, -1];
    const rng = new Rng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) seen.add(sampleToken(logits, { temperature: 1, topK: 2, topP: 1 }, rng));
    expect([...seen].sort()).toEqual([0, 3]);
    // p = softmax: token 3 holds ~0.61 of the mass, so top-p 0.5 keeps token 3 only.
    for (let i = 0; i < 50; i++) expect(sampleToken(logits, { temperature: 1, topK: 0, topP: 0.5 }, rng)).toBe(3);
    expect(sampleToken(logits, { temperature: 0, topK: 0, topP: 1 }, rng)).toBe(3);
  });
});
