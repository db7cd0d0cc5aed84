import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { Rng } from '@steerable/core';
import { pairwiseLoss, pairwiseLossComposite, sequenceLogProbs, sequenceLogProbsComposite, setAttentionPool, setAttentionPoolComposite } from '../src/index.js';
import { numDataIds, randomValues } from './helpers.js';

/**
 * Parity cases shared by every backend's test: each builds its inputs from a seed, and runs the
 * fused op and its composite, returning [value, ...gradients] of sum(op(...) * upstream) so that
 * a random upstream gradient exercises dy.
 */
export interface ParityCase {
  name: string;
  run(fused: boolean): tf.Tensor[];
}

/**
 * Runs every case's fused op and gradients three times on the active backend and expects the
 * tensor count and the backend's data count after the first run to hold.
 */
export function expectFusedCasesLeakNothing(cases: ParityCase[]): void {
  const once = () => cases.forEach((c) => tf.dispose(tf.tidy(() => c.run(true))));
  once();
  const tensors = tf.memory().numTensors;
  const data = numDataIds();
  once();
  once();
  expect(tf.memory().numTensors).toBe(tensors);
  expect(numDataIds()).toBe(data);
}

function weighted(out: tf.Tensor, upstream: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(out, upstream));
}

export function sequenceLogProbsCase(
  name: string,
  b: number,
  l: number,
  v: number,
  seed: number,
  options: { maskAll?: 0 | 1; logitScale?: number; labelsAtEnds?: boolean } = {},
): ParityCase {
  const rng = new Rng(seed);
  const logits = randomValues([b, l, v], rng, options.logitScale ?? 3);
  const mask = Array.from({ length: b * l }, () => options.maskAll ?? (rng.uniform() < 0.7 ? 1 : 0));
  // Masked positions carry -100, the usual padding label, which the op must ignore.
  // labelsAtEnds alternates the first and last vocabulary entries (a vector tail's last lane).
  const labels = mask.map((m, i) => (m ? (options.labelsAtEnds ? (i % 2 ? v - 1 : 0) : rng.int(0, v - 1)) : -100));
  const upstream = randomValues([b], rng);
  return {
    name: `sequenceLogProbs ${name} [${b}, ${l}, ${v}]`,
    run: (fused) => {
      const op = fused ? sequenceLogProbs : sequenceLogProbsComposite;
      const x = tf.tensor(logits, [b, l, v]);
      const lab = tf.tensor(labels, [b, l], 'int32');
      const m = tf.tensor(mask, [b, l]);
      const value = op(x, lab, m);
      const grad = tf.grad((t: tf.Tensor) => weighted(op(t, lab, m), tf.tensor(upstream, [b])))(x);
      return [value, grad];
    },
  };
}

export function pairwiseLossCase(name: string, n: number, scale: number, seed: number, spread = 2): ParityCase {
  const rng = new Rng(seed);
  const chosen = randomValues([n], rng, spread);
  const rejected = randomValues([n], rng, spread);
  return {
    name: `pairwiseLoss ${name} n=${n} scale=${scale}`,
    run: (fused) => {
      const op = fused ? pairwiseLoss : pairwiseLossComposite;
      const c = tf.tensor1d(chosen);
      const r = tf.tensor1d(rejected);
      const value = op(c, r, scale);
      const [gc, gr] = tf.grads((a: tf.Tensor, bb: tf.Tensor) => tf.mul(op(a, bb, scale), 1.7) as tf.Scalar)([c, r]);
      return [value, gc!, gr!];
    },
  };
}

export function setAttentionPoolCase(name: string, g: number, n: number, d: number, seed: number, dropout = false, qkScale = 1): ParityCase {
  const rng = new Rng(seed);
  const q = randomValues([g, n, d], rng, qkScale);
  const k = randomValues([g, n, d], rng, qkScale);
  const v = randomValues([g, n, d], rng);
  const mask = Float32Array.from({ length: g * n * n }, () => (dropout ? (rng.uniform() < 0.9 ? 1 / 0.9 : 0) : 1));
  const upstream = randomValues([g, d], rng);
  return {
    name: `setAttentionPool ${name} [${g}, ${n}, ${d}]${dropout ? ' dropout' : ''}`,
    run: (fused) => {
      const op = fused ? setAttentionPool : setAttentionPoolComposite;
      const tq = tf.tensor(q, [g, n, d]);
      const tk = tf.tensor(k, [g, n, d]);
      const tv = tf.tensor(v, [g, n, d]);
      const tm = dropout ? tf.tensor(mask, [g, n, n]) : undefined;
      const value = op(tq, tk, tv, tm);
      const grads = tf.grads((a: tf.Tensor, bb: tf.Tensor, c: tf.Tensor) => weighted(op(a, bb, c, tm), tf.tensor(upstream, [g, d])))([tq, tk, tv]);
      return [value, ...grads];
    },
  };
}

/** Random shapes plus the edges: length 1, vocab 1, everything masked, a set of one, n = 0. */
export function parityCases(): ParityCase[] {
  return [
    sequenceLogProbsCase('random', 3, 7, 11, 1),
    sequenceLogProbsCase('random', 2, 5, 300, 2),
    sequenceLogProbsCase('length 1', 4, 1, 9, 3),
    sequenceLogProbsCase('vocab 1', 2, 3, 1, 4, { maskAll: 1 }),
    sequenceLogProbsCase('all masked', 2, 4, 6, 5, { maskAll: 0 }),
    sequenceLogProbsCase('large logits', 2, 3, 17, 6, { logitScale: 40 }),
    // The wasm SIMD kernel handles 4 floats at a time and the rest one by one: vocabularies below,
    // at and past multiples of 4, logits far beyond exp's float32 range, and labels at the ends.
    sequenceLogProbsCase('vocab 4', 2, 3, 4, 21),
    sequenceLogProbsCase('vocab 7', 3, 2, 7, 22, { labelsAtEnds: true }),
    sequenceLogProbsCase('vocab 1027', 2, 3, 1027, 23, { labelsAtEnds: true }),
    sequenceLogProbsCase('tiny logits', 2, 3, 33, 24, { logitScale: 1e-4 }),
    sequenceLogProbsCase('huge logits', 2, 4, 45, 25, { logitScale: 1000, labelsAtEnds: true }),
    pairwiseLossCase('random', 37, 1, 7),
    pairwiseLossCase('dpo beta', 9, 0.05, 8),
    pairwiseLossCase('single pair', 1, 1, 9),
    pairwiseLossCase('large margins', 16, 1, 10, 60),
    setAttentionPoolCase('random', 6, 5, 4, 11),
    setAttentionPoolCase('dropout', 4, 7, 3, 12, true),
    setAttentionPoolCase('set of one', 3, 1, 5, 13),
    setAttentionPoolCase('head dim 1', 2, 4, 1, 14),
    setAttentionPoolCase('empty set', 2, 0, 3, 15),
    // Head dims that are multiples of 4 take the wasm SIMD kernel: the NP-BTL shape, sets past and
    // below a block of four rows, and scores far apart (a nearly one-hot softmax).
    setAttentionPoolCase('np-btl', 64, 10, 32, 16, true),
    setAttentionPoolCase('set of 17', 3, 17, 36, 17, true),
    setAttentionPoolCase('set of 2', 5, 2, 8, 18),
    setAttentionPoolCase('set of one, head dim 4', 3, 1, 4, 19),
    setAttentionPoolCase('large scores', 4, 6, 8, 26, true, 4),
  ];
}
