import * as tf from '@tensorflow/tfjs';
import { Module, MultiHeadAttention, type Rng } from '@steerable/core';

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

  constructor(readonly aggregation: Aggregation, readonly hiddenDim: number, rng: Rng, options: SetAggregatorOptions) {
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
          return tf.sum(this.attention!.forward(elements, rng ? { rng } : {}), 1);
      }
    });
  }
}
