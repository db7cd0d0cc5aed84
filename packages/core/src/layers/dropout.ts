import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng.js';

/**
 * Inverted dropout (scale kept activations by 1/(1-p)) with the seed drawn from our Rng, so a run
 * is reproducible. Identity when not training or p = 0.
 */
export function dropout(x: tf.Tensor, rate: number, training: boolean, rng: Rng): tf.Tensor {
  if (!training || rate === 0) return x;
  if (rate < 0 || rate >= 1) throw new RangeError(`dropout rate must be in [0, 1), got ${rate}`);
  return tf.tidy(() => {
    const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', rng.seed()), rate), 'float32');
    return tf.mul(x, tf.mul(keep, 1 / (1 - rate)));
  });
}
