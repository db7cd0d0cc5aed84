import * as tf from '@tensorflow/tfjs';
import type { Module } from '../src/index.js';
import { checkParameterGradients } from '../src/testing/index.js';

/** The largest relative finite-difference error over every parameter of a module. */
export async function maxParameterGradientError(
  module: Module,
  loss: () => tf.Scalar,
  options: { epsilon?: number; maxCoordinates?: number } = {},
): Promise<number> {
  const result = await checkParameterGradients(loss, module.namedParameters(), { maxCoordinates: 12, ...options });
  return result.maxRelativeError;
}

/** A fixed random projection of the output, so the scalar depends on every coordinate differently. */
export function projectToScalar(y: tf.Tensor, seed: number): tf.Scalar {
  return tf.tidy(() => {
    let s = seed >>> 0;
    const w = new Float32Array(y.size);
    for (let i = 0; i < w.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      w[i] = s / 2 ** 31 - 1;
    }
    return tf.sum(tf.mul(y, tf.tensor(w, y.shape)));
  });
}
