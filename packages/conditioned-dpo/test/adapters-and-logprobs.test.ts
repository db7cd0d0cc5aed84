import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import { PolicyAdapters, Policy, batchedLogProbs, buildSequenceBatch, sequenceLogProbs, sftLoss, REFERENCE_MODE } from '../src/index.js';
import { finiteDifferenceCheck, tinyModel, TINY_CONFIG } from './helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

function randomiseAdapters(adapters: PolicyAdapters, seed: number): void {
  let s = seed;
  for (const [, v] of adapters.namedParameters()) v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.3, 'float32', s++)));
}

describe('LoRA and FiLM gradients', () => {
  it('LoRA A/B gradients match finite differences', async () => {
    const model = tinyModel(1);
    const adapters = new PolicyAdapters({ lora: { rank: 2, alpha: 4, dropout: 0 }, filmLatentDim: null }, 2, 16, new Rng(2));
    randomiseAdapters(adapters, 10);
    const policy = new Policy(model, adapters);
    const batch = buildSequenceBatch(
      [
        { prompt: [0, 3, 4], response: [5, 6, 1] },
        { prompt: [0, 7], response: [8, 1] },
      ],
      1,
    );
    const loss = (): tf.Scalar => tf.tidy(() => tf.sum(policy.logProbs(batch, { lora: true, z: null })) as tf.Scalar);
    const result = await finiteDifferenceCheck(loss, adapters.namedParameters(), { epsilon: 1e-2 });
    expect(result.checked).toBeGreaterThan(20);
    expect(result.maxAbsGradient).toBeGreaterThan(1e-3);
    expect(result.maxRelativeError).toBeLessThan(2e-2);
  });

  it('FiLM gamma/beta gradients (weights and biases) match finite differences', async () => {
    const model = tinyModel(1);
    const adapters = new PolicyAdapters({ lora: null, filmLatentDim: 3 }, 2, 16, new Rng(2));
    randomiseAdapters(adapters, 20);
    const policy = new Policy(model, adapters);
    const batch = buildSequenceBatch(
      [
        { prompt: [0, 3, 4], response: [5, 6, 1] },
        { prompt: [0, 7], response: [8, 1] },
      ],
      1,
    );
    const z = tf.tensor2d([
      [0.5, -1, 2],
      [1, 0.3, -0.7],
    ]);
    const loss = (): tf.Scalar => tf.tidy(() => tf.sum(policy.logProbs(batch, { lora: false, z })) as tf.Scalar);
    const result = await finiteDifferenceCheck(loss, adapters.namedParameters(), { epsilon: 1e-2 });
    expect(result.checked).toBeGreaterThan(20);
    expect(result.maxAbsGradient).toBeGreaterThan(1e-3);
    expect(result.maxRelativeError).toBeLessThan(2e-2);
  });

  it('only adapters (and the encoder) are trainable parameters of a policy, under their prefixes', () => {
    const model = tinyModel(1);
    const adapters = new PolicyAdapters({ lora: { rank: 2, alpha: 4, dropout: 0.1 }, filmLatentDim: 3 }, 2, 16, new Rng(2));
    const names = new Policy(model, adapters).trainableParameters().map(([n]) => n);
    expect(names).toContain('adapters.lora.0.q.A');
    expect(names).toContain('adapters.film.1.gamma.bias');
    expect(names.some((n) => n.includes('wte') || n.includes('c_attn'))).toBe(false);
  });
});

describe('response-only sequence log-probabilities', () => {
  it('equals the sum of per-token log-softmax over response tokens, computed independently', async () => {
    const model = tinyModel(3);
    const examples = [
      { prompt: [0, 3, 4, 5], response: [6, 1] },
      { prompt: [0, 9], response: [10, 11, 12, 1] },
    ];
    const batch = buildSequenceBatch(examples, 1);
    const ours = await new Policy(model, new PolicyAdapters({ lora: null, filmLatentDim: null }, 2, 16, new Rng(0))).logProbs(batch, REFERENCE_MODE).data();
    // Independent: one sequence at a time, unpadded, log-softmax in float64 on the JS side.
    for (const [n, e] of examples.entries()) {
      const ids = [...e.prompt, ...e.response];
      const logits = (await model.forward(tf.tensor2d([ids], undefined, 'int32')).logits.array())[0]!;
      let expected = 0;
      for (let t = e.prompt.length; t < ids.length; t++) {
        const row = logits[t - 1]!;
        const max = Math.max(...row);
        const logZ = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
        expected += row[ids[t]!]! - logZ;
      }
      expect(ours[n]).toBeCloseTo(expected, 4);
    }
  });

  it('ignores prompt and pad tokens: changing them does not change log p(response) beyond the causal effect', async () => {
    const model = tinyModel(3);
    const policy = new Policy(model, new PolicyAdapters({ lora: null, filmLatentDim: null }, 2, 16, new Rng(0)));
    // The label mask is 1 exactly on the positions predicting response tokens.
    const batch = buildSequenceBatch(
      [
        { prompt: [0, 3, 4], response: [5, 1] },
        { prompt: [0, 3, 4, 7, 8], response: [9, 10, 1] },
      ],
      1,
    );
    expect(await batch.labelMask.array()).toEqual([
      [0, 0, 1, 1, 0, 0, 0],
      [0, 0, 0, 0, 1, 1, 1],
    ]);
    // A different pad id changes only padding; the log-probs must not move.
    const a = await policy.logProbs(batch, REFERENCE_MODE).data();
    const repadded = buildSequenceBatch(
      [
        { prompt: [0, 3, 4], response: [5, 1] },
        { prompt: [0, 3, 4, 7, 8], response: [9, 10, 1] },
      ],
      17,
    );
    const b = await policy.logProbs(repadded, REFERENCE_MODE).data();
    expect(Array.from(b)).toEqual(Array.from(a));
    // Moving a token from the response into the prompt removes exactly its log-prob from the sum.
    const shorter = buildSequenceBatch([{ prompt: [0, 3, 4, 5], response: [1] }], 1);
    const first = buildSequenceBatch([{ prompt: [0, 3, 4], response: [5] }], 1);
    const c = (await policy.logProbs(shorter, REFERENCE_MODE).data())[0]!;
    const d = (await policy.logProbs(first, REFERENCE_MODE).data())[0]!;
    expect(c + d).toBeCloseTo(a[0]!, 5);
  });

  it('SFT loss is the mean NLL per response token', async () => {
    const model = tinyModel(4);
    const batch = buildSequenceBatch(
      [
        { prompt: [0, 3], response: [5, 6, 1] },
        { prompt: [0, 2, 2], response: [9] },
      ],
      1,
    );
    const { logits } = model.forward(batch.ids);
    const seq = await sequenceLogProbs(logits, batch.ids, batch.labelMask).data();
    const loss = (await sftLoss(logits, batch.ids, batch.labelMask).data())[0]!;
    expect(loss).toBeCloseTo(-(seq[0]! + seq[1]!) / 4, 5);
  });

  it('does not leak tensors across repeated log-prob evaluations', async () => {
    const model = tinyModel(5, { ...TINY_CONFIG });
    const policy = new Policy(model, new PolicyAdapters({ lora: { rank: 2, alpha: 4, dropout: 0 }, filmLatentDim: 2 }, 2, 16, new Rng(0)));
    const batch = buildSequenceBatch([{ prompt: [0, 3], response: [5, 6, 1] }], 1);
    const z = tf.tensor2d([[1, 2]]);
    policy.logProbs(batch, { lora: true, z }).dispose();
    const before = tf.memory().numTensors;
    policy.logProbs(batch, { lora: true, z }).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('batchedLogProbs (evaluation and reference log-probs in mini-batches)', () => {
  it('gives each example the log-prob it has in one batch, with its own FiLM latent row, and frees every chunk', async () => {
    const model = tinyModel(4);
    const adapters = new PolicyAdapters({ lora: { rank: 2, alpha: 4, dropout: 0 }, filmLatentDim: 3 }, 2, 16, new Rng(5));
    randomiseAdapters(adapters, 30);
    const policy = new Policy(model, adapters);
    const rng = new Rng(6);
    const examples = Array.from({ length: 11 }, () => ({
      prompt: [0, ...Array.from({ length: rng.int(1, 3) }, () => rng.int(2, 21))],
      response: [...Array.from({ length: rng.int(1, 5) }, () => rng.int(2, 21)), 1],
    }));
    const z = tf.randomNormal([11, 3], 0, 1, 'float32', 7) as tf.Tensor2D;
    const batch = buildSequenceBatch(examples, 1);
    const whole = policy.logProbs(batch, { lora: true, z });
    const expected = (await whole.data()) as Float32Array;
    tf.dispose([whole, batch.ids, batch.labelMask]);
    const before = tf.memory().numTensors;
    // Chunks of 4 (a last one of 3) are padded to their own lengths; right padding changes nothing.
    const chunked = await batchedLogProbs(policy, examples, { lora: true, z }, 1, 4);
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < examples.length; i++) expect(chunked[i]).toBeCloseTo(expected[i]!, 4);
    // The latent rows follow their examples: swapping two rows swaps (only) those two results.
    const swapped = tf.gather(z, [1, 0, ...Array.from({ length: 9 }, (_, i) => i + 2)]) as tf.Tensor2D;
    const moved = await batchedLogProbs(policy, examples, { lora: true, z: swapped }, 1, 4);
    expect(moved[0]).not.toBeCloseTo(chunked[0]!, 4);
    expect(Array.from(moved.slice(2))).toEqual(Array.from(chunked.slice(2)));
    await expect(batchedLogProbs(policy, examples.slice(0, 5), { lora: true, z }, 1, 4)).rejects.toThrow(/z has 11 rows for 5 examples/);
    tf.dispose([z, swapped]);
    policy.dispose();
    model.dispose();
  });
});
