import * as tf from '@tensorflow/tfjs';
import { type Module, Rng } from '@steerable/core';
import { checkParameterGradients } from '@steerable/core/testing';
import type { PairTensors } from '../src/index.js';

/** A random batch of B tasks with k context and T target pairs of dimension D. */
export function randomPairTensors(b: number, k: number, t: number, d: number, seed: number): PairTensors {
  const rng = new Rng(seed);
  const make = (n: number): tf.Tensor => tf.tensor(rng.fillNormal(new Float32Array(b * n * d)), [b, n, d]);
  return { contextChosen: make(k), contextRejected: make(k), targetChosen: make(t), targetRejected: make(t) };
}

/** Largest relative finite-difference error over the trainable parameters, and where it is. */
export async function maxParameterGradientError(
  module: Module,
  loss: () => tf.Scalar,
  options: { epsilon?: number; maxCoordinates?: number } = {},
): Promise<{ error: number; where: string }> {
  const result = await checkParameterGradients(loss, module.trainableParameters(), options);
  return { error: result.maxRelativeError, where: result.worst };
}
