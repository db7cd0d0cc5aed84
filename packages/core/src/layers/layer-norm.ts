import * as tf from '@tensorflow/tfjs';
import { Module } from './module.js';

/** LayerNorm over the last dimension with PyTorch's biased variance and eps inside the sqrt. */
export class LayerNorm extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    readonly normalizedShape: number,
    readonly eps = 1e-5,
  ) {
    super();
    this.weight = this.registerParameter('weight', tf.ones([normalizedShape]));
    this.bias = this.registerParameter('bias', tf.zeros([normalizedShape]));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const mean = tf.mean(x, -1, true);
      const centered = tf.sub(x, mean);
      const variance = tf.mean(tf.mul(centered, centered), -1, true);
      return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, this.eps))), this.weight), this.bias);
    });
  }
}
