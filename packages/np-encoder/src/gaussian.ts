import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@steerable/core';

/** A diagonal Gaussian over z, batched: mean and std are [B, Z]. */
export interface DiagonalGaussian {
  mean: tf.Tensor;
  std: tf.Tensor;
}

/** z = mean + std * eps with eps ~ N(0, I) drawn from our Rng (reparameterised). */
export function sampleGaussian(q: DiagonalGaussian, rng: Rng): tf.Tensor {
  return tf.tidy(() => {
    const noise = tf.tensor(rng.fillNormal(new Float32Array(q.mean.size)), q.mean.shape, 'float32');
    return tf.add(q.mean, tf.mul(q.std, noise));
  });
}

/**
 * KL(q || p) for diagonal Gaussians, summed over z and averaged over the batch:
 * log(s_p / s_q) + (s_q^2 + (m_q - m_p)^2) / (2 s_p^2) - 1/2.
 */
export function gaussianKl(q: DiagonalGaussian, p: DiagonalGaussian): tf.Scalar {
  return tf.tidy(() => {
    const diff = tf.sub(q.mean, p.mean);
    const varQ = tf.square(q.std);
    const varP = tf.square(p.std);
    const perDim = tf.sub(tf.add(tf.sub(tf.log(p.std), tf.log(q.std)), tf.div(tf.add(varQ, tf.square(diff)), tf.mul(2, varP))), 0.5);
    return tf.mean(tf.sum(perDim, -1));
  });
}

/** KL(q || N(0, I)), summed over z and averaged over the batch. */
export function standardNormalKl(q: DiagonalGaussian): tf.Scalar {
  return tf.tidy(() => {
    const varQ = tf.square(q.std);
    const perDim = tf.mul(0.5, tf.sub(tf.sub(tf.add(varQ, tf.square(q.mean)), 1), tf.log(varQ)));
    return tf.mean(tf.sum(perDim, -1));
  });
}

export function disposeGaussian(q: DiagonalGaussian): void {
  q.mean.dispose();
  q.std.dispose();
}
