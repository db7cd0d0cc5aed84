import * as tf from '@tensorflow/tfjs';
import { Module, MultiHeadAttention, type Rng, SteerableError } from '@steerable/core';
import { setAttentionPool } from '@steerable/gpu-kernels';

export type Aggregation = 'mean' | 'sum' | 'self-attention-sum';
export const AGGREGATIONS: readonly Aggregation[] = ['mean', 'sum', 'self-attention-sum'];

export interface SetAggregatorOptions {
  numHeads: number;
  attentionDropout: number;
}

/**
 * Permutation-invariant pooling of [B, k, H] into [B, H]. `self-attention-sum` is the paper's
 * (multi-head self-attention over the set, no mask or positions, then a sum). For k = 0 every
 * aggregation returns the zero vector, so the encoder's rho(0) acts as a learned prior and no
 * empty reduction can produce a NaN.
 */
export class SetAggregator extends Module {
  private readonly attention: MultiHeadAttention | null;

  constructor(
    readonly aggregation: Aggregation,
    readonly hiddenDim: number,
    rng: Rng,
    options: SetAggregatorOptions,
  ) {
    super();
    this.attention =
      aggregation === 'self-attention-sum'
        ? this.registerModule('attention', new MultiHeadAttention(hiddenDim, options.numHeads, rng, { dropout: options.attentionDropout }))
        : null;
  }

  forward(elements: tf.Tensor, rng?: Rng): tf.Tensor {
    const [b, k] = elements.shape as [number, number, number];
    if (k === 0) return tf.zeros([b, this.hiddenDim]);
    return tf.tidy(() => {
      switch (this.aggregation) {
        case 'mean':
          return tf.mean(elements, 1);
        case 'sum':
          return tf.sum(elements, 1);
        case 'self-attention-sum':
          return this.attentionSum(elements, rng);
      }
    });
  }

  /**
   * sum_i MultiHeadAttention(u)_i without the [B, k, H] attention output: the out-projection is
   * linear, so sum_i (a_i W_out + b_out) = (sum_i a_i) W_out + k b_out, and sum_i a_i per head is
   * gpu-kernels' setAttentionPool (one fused kernel where the backend has it). The same function
   * as `sum(attention.forward(u), 1)`, with the same parameters and the same dropout mask drawn
   * from the same rng, with fewer ops and the out-projection on B rows instead of B*k.
   */
  private attentionSum(elements: tf.Tensor, rng?: Rng): tf.Tensor {
    const attention = this.attention!;
    const dropping = attention.training && attention.dropoutRate > 0;
    if (dropping && !rng) {
      throw new SteerableError('invalid-argument', 'MultiHeadAttention in training mode with dropout needs an rng', { hint: 'pass { rng } or call .eval()' });
    }
    const [b, k, h] = elements.shape as [number, number, number];
    const heads = attention.numHeads;
    const headDim = attention.headDim;
    const qkv = tf.add(tf.matMul(elements.reshape([b * k, h]), attention.inProjWeight), attention.inProjBias);
    // [B, k, (q|k|v) x heads, dh] -> [B, (q|k|v) x heads, k, dh] with one rank-4 transpose (tfjs-wasm
    // has no fast path for rank 5: 3-10x slower here), then q, k and v are three blocks of axis 1.
    const grouped = qkv
      .reshape([b, k, 3 * heads, headDim])
      .transpose([0, 2, 1, 3])
      .reshape([b, 3, heads * k * headDim]);
    const [q, key, value] = tf.split(grouped, 3, 1).map((t) => t.reshape([b * heads, k, headDim])) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const weightsMask = dropping ? this.dropoutMask([b, heads, k, k], attention.dropoutRate, rng!).reshape([b * heads, k, k]) : undefined;
    const pooled = setAttentionPool(q, key, value, weightsMask).reshape([b, h]);
    return tf.add(tf.matMul(pooled, attention.outProj.weight), tf.mul(attention.outProj.bias!, k));
  }

  /**
   * Inverted-dropout multipliers (0 or 1/(1-p)) for the attention weights [B, heads, k, k], drawn
   * exactly as core's `dropout` draws them inside MultiHeadAttention (one rng.seed() per call), so
   * a seeded run keeps its numbers and its rng stream.
   */
  private dropoutMask(shape: number[], rate: number, rng: Rng): tf.Tensor {
    return tf.tidy(() => {
      const keep = tf.cast(tf.greaterEqual(tf.randomUniform(shape, 0, 1, 'float32', rng.seed()), rate), 'float32');
      return tf.mul(keep, 1 / (1 - rate));
    });
  }
}
