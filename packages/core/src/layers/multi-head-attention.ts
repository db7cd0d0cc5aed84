import * as tf from '@tensorflow/tfjs';
import { SteerableError } from '../errors.js';
import type { Rng } from '../rng.js';
import { Module } from './module.js';
import { Linear } from './linear.js';
import { xavierUniformTensor } from './init.js';
import { dropout } from './dropout.js';

export interface MultiHeadAttentionOptions {
  /** Dropout on the attention weights after the softmax (PyTorch's `dropout`), default 0. */
  dropout?: number;
}

export interface AttentionCall {
  /** Keys and values; defaults to the query (self-attention). [B, S, E]. */
  keyValue?: tf.Tensor;
  /**
   * [B, S] with 1 where a key position is padding and must not be attended to (PyTorch's
   * `key_padding_mask` with True = ignore). Built outside any gradient tape.
   */
  keyPaddingMask?: tf.Tensor;
  /** Seeds the attention dropout; required in training mode when dropout > 0. */
  rng?: Rng;
}

/** Large enough to zero a softmax weight in float32 without producing inf - inf = NaN. */
const MASKED_SCORE = -1e9;

/**
 * nn.MultiheadAttention with batch_first=True: a packed in-projection stored [E, 3E] (q, k, v
 * blocks in that order, Xavier-uniform with fan_in = E and fan_out = 3E as PyTorch computes them
 * on its [3E, E] tensor), zero in-projection bias, an out-projection Linear with the default init
 * and a zero bias, scaled dot-product attention with dropout on the weights.
 * Parameter names follow PyTorch: in_proj_weight, in_proj_bias, out_proj.weight, out_proj.bias.
 */
export class MultiHeadAttention extends Module {
  readonly inProjWeight: tf.Variable;
  readonly inProjBias: tf.Variable;
  readonly outProj: Linear;
  readonly headDim: number;
  readonly dropoutRate: number;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    rng: Rng,
    options: MultiHeadAttentionOptions = {},
  ) {
    super();
    if (!Number.isInteger(numHeads) || numHeads < 1 || embedDim % numHeads !== 0) {
      throw new SteerableError('invalid-config', `embed dim ${embedDim} must be divisible by the number of heads ${numHeads}`, { field: 'numHeads' });
    }
    this.headDim = embedDim / numHeads;
    this.dropoutRate = options.dropout ?? 0;
    this.inProjWeight = this.registerParameter('in_proj_weight', xavierUniformTensor([embedDim, 3 * embedDim], embedDim, 3 * embedDim, rng));
    this.inProjBias = this.registerParameter('in_proj_bias', tf.zeros([3 * embedDim]));
    this.outProj = this.registerModule('out_proj', new Linear(embedDim, embedDim, rng));
    this.outProj.bias!.assign(tf.zerosLike(this.outProj.bias!));
  }

  /** query [B, L, E] -> [B, L, E]. */
  forward(query: tf.Tensor, call: AttentionCall = {}): tf.Tensor {
    if (this.training && this.dropoutRate > 0 && !call.rng) {
      throw new SteerableError('invalid-argument', 'MultiHeadAttention in training mode with dropout needs an rng', { hint: 'pass { rng } or call .eval()' });
    }
    return tf.tidy(() => {
      const [b, l, e] = query.shape as [number, number, number];
      const keyValue = call.keyValue ?? query;
      const s = keyValue.shape[1]!;
      const [wq, wk, wv] = tf.split(this.inProjWeight, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const [bq, bk, bv] = tf.split(this.inProjBias, 3, 0);
      const project = (x: tf.Tensor, w: tf.Tensor2D, bias: tf.Tensor, len: number): tf.Tensor =>
        tf
          .add(tf.matMul(x.reshape([-1, e]), w), bias!)
          .reshape([b, len, this.numHeads, this.headDim])
          .transpose([0, 2, 1, 3]);
      const q = project(query, wq, bq!, l);
      const k = project(keyValue, wk, bk!, s);
      const v = project(keyValue, wv, bv!, s);
      let scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(this.headDim));
      if (call.keyPaddingMask) scores = tf.add(scores, tf.mul(call.keyPaddingMask.reshape([b, 1, 1, s]).toFloat(), MASKED_SCORE));
      let weights = tf.softmax(scores, -1);
      weights = dropout(weights, this.dropoutRate, this.training, call.rng!);
      const context = tf.matMul(weights, v).transpose([0, 2, 1, 3]).reshape([b, l, e]);
      return this.outProj.forward(context);
    });
  }
}
