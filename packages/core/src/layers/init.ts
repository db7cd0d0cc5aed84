import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng.js';

/**
 * Initialisers drawn from our own seeded Rng in JS, so a seed gives the same weights on every
 * backend (tfjs random ops depend on the backend's generator).
 */
export function uniformTensor(shape: number[], low: number, high: number, rng: Rng): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.fillUniform(new Float32Array(size), low, high), shape, 'float32');
}

export function normalTensor(shape: number[], std: number, rng: Rng, mean = 0): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.fillNormal(new Float32Array(size), mean, std), shape, 'float32');
}

/** PyTorch nn.Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias alike. */
export function pytorchLinearBound(fanIn: number): number {
  return 1 / Math.sqrt(fanIn);
}

/** Xavier/Glorot uniform: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)). */
export function xavierUniformTensor(shape: [number, number], fanIn: number, fanOut: number, rng: Rng, gain = 1): tf.Tensor {
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniformTensor(shape, -bound, bound, rng);
}
