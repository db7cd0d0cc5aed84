import * as tf from '@tensorflow/tfjs';
import { Module } from './module.js';

export interface BatchNormOptions {
  eps?: number;
  /** PyTorch convention: running = (1 - momentum) * running + momentum * batch (Keras's 0.9 is our 0.1). */
  momentum?: number;
}

/**
 * BatchNorm1d with PyTorch semantics: normalise with the biased batch variance during training,
 * update the running variance with the unbiased one (n / (n - 1)), use running statistics in eval.
 * Input [N, C] or [..., C] (all leading dimensions are the batch).
 */
export class BatchNorm1d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly numBatchesTracked: tf.Variable;
  readonly eps: number;
  readonly momentum: number;

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    this.weight = this.registerParameter('weight', tf.ones([numFeatures]));
    this.bias = this.registerParameter('bias', tf.zeros([numFeatures]));
    this.runningMean = this.registerBuffer('running_mean', tf.zeros([numFeatures]));
    this.runningVar = this.registerBuffer('running_var', tf.ones([numFeatures]));
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', tf.scalar(0, 'int32'));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const flat = x.reshape([-1, this.numFeatures]);
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (this.training) {
        const n = flat.shape[0]!;
        if (n < 2) throw new RangeError(`BatchNorm1d in training mode needs more than one value per channel, got batch ${n}`);
        const moments = tf.moments(flat, 0);
        mean = moments.mean;
        variance = moments.variance;
        // The running statistics do not feed the loss, so no gradient flows through these updates.
        const m = this.momentum;
        const unbiased = tf.mul(variance, n / (n - 1));
        this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
        this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(unbiased, m)));
        this.numBatchesTracked.assign(tf.add(this.numBatchesTracked, tf.scalar(1, 'int32')));
      } else {
        mean = this.runningMean;
        variance = this.runningVar;
      }
      const normalised = tf.mul(tf.sub(flat, mean), tf.rsqrt(tf.add(variance, this.eps)));
      return tf.add(tf.mul(normalised, this.weight), this.bias).reshape(x.shape);
    });
  }
}
