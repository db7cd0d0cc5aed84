import type { TypedArray } from '../backend-types.js';

/** softplus(z) without overflow: z + log1p(exp(-z)) for z > 0. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** mean_i softplus(-(chosen_i - rejected_i) * scale); the mean of an empty batch is NaN, as tf.mean. */
export function pairwiseLossImpl(chosen: TypedArray, rejected: TypedArray, scale: number): number {
  let total = 0;
  for (let i = 0; i < chosen.length; i++) total += softplus(-(chosen[i]! - rejected[i]!) * scale);
  return total / chosen.length;
}

/** dLoss/dChosen_i = -dy * scale * sigmoid(-(chosen_i - rejected_i) * scale) / N. */
export function pairwiseLossGradImpl(dy: number, chosen: TypedArray, rejected: TypedArray, scale: number, out: TypedArray): void {
  const n = chosen.length;
  for (let i = 0; i < n; i++) out[i] = (-dy * scale * sigmoid(-(chosen[i]! - rejected[i]!) * scale)) / n;
}
