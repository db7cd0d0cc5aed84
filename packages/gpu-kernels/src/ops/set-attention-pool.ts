import * as tf from '@tensorflow/tfjs';
import { type SetAttentionPoolInputs, SteerableSetAttentionPool } from '../kernel-names.js';
import { hasKernel } from './fallback.js';
import { expectDtype, expectRank, expectShape } from './validate.js';

const OP = 'setAttentionPool';

/**
 * Scaled dot-product self-attention over a set, summed over the set: for each group (batch x
 * head) sum_i (softmax(q_i K^T / sqrt(d)) * mask_i) V, i.e. `sum(matMul(dropout(softmax(QK^T /
 * sqrt(d))), V), 1)` without the [G, n, d] attention output. Because the out-projection is linear,
 * the context encoder's `sum_i outProj(attn_i)` equals `outProj_W(pooled) + n * outProj_b`, so
 * the in-projection, this op and one small matmul make the whole pooling (docs/method.md).
 *
 * ```js
 * const q = tf.randomNormal([2, 4, 8]), k = tf.randomNormal([2, 4, 8]), v = tf.randomNormal([2, 4, 8]);
 * setAttentionPool(q, k, v).print(); // [2, 8]
 * ```
 * @param q queries [G, n, d]; k keys, v values, both [G, n, d]. n = 0 gives zeros.
 * @param weightsMask [G, n, n] multipliers on the attention weights after the softmax (dropout:
 *   0 or 1 / (1 - rate)); omitted, no dropout.
 * @returns [G, d].
 */
export function setAttentionPool(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, weightsMask?: tf.Tensor): tf.Tensor2D {
  expectRank(OP, 'q', q, 3, '[groups, setSize, headDim]');
  expectDtype(OP, 'q', q, 'float32');
  const [g, n, d] = q.shape as [number, number, number];
  expectShape(OP, 'k', k, [g, n, d], '[groups, setSize, headDim] like q');
  expectShape(OP, 'v', v, [g, n, d], '[groups, setSize, headDim] like q');
  if (weightsMask) expectShape(OP, 'weightsMask', weightsMask, [g, n, n], '[groups, setSize, setSize]');
  if (n === 0) return emptySetPool(q, k, v);
  if (!hasKernel(SteerableSetAttentionPool, OP)) return setAttentionPoolComposite(q, k, v, weightsMask);
  const ones = weightsMask ? null : tf.ones([g, n, n]);
  const inputs: SetAttentionPoolInputs = { q, k, v, weightsMask: weightsMask ?? ones! };
  const out = tf.engine().runKernel(SteerableSetAttentionPool, inputs as unknown as tf.NamedTensorMap) as tf.Tensor2D;
  ones?.dispose();
  return out;
}

/** The composite: fallback and oracle. */
export function setAttentionPoolComposite(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, weightsMask?: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const [_g, n, d] = q.shape as [number, number, number];
    if (n === 0) return emptySetPool(q, k, v);
    let weights = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(d)), -1);
    if (weightsMask) weights = tf.mul(weights, weightsMask);
    return tf.sum(tf.matMul(weights, v), 1) as tf.Tensor2D;
  });
}

/**
 * Zeros [G, d] that stay connected to q, k and v, so that their (empty) gradients exist. Not a
 * sum over the empty axis: wasm returns uninitialised memory for that.
 */
const emptySetPool = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [q, k, v] = args as [tf.Tensor, tf.Tensor, tf.Tensor];
  return {
    value: tf.zeros([q.shape[0]!, q.shape[2]!]),
    gradFunc: () => [tf.zerosLike(q), tf.zerosLike(k), tf.zerosLike(v)],
  };
}) as Parameters<typeof tf.customGrad>[0]) as unknown as (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor2D;
