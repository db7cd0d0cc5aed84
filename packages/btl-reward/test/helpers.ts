import * as tf from '@tensorflow/tfjs';
import { type Module, Rng, valueAndGradients } from '@steerable/core';
import type { PairTensors } from '../src/index.js';

/** A random batch of B tasks with k context and T target pairs of dimension D. */
export function randomPairTensors(b: number, k: number, t: number, d: number, seed: number): PairTensors {
  const rng = new Rng(seed);
  const make = (n: number): tf.Tensor => tf.tensor(rng.fillNormal(new Float32Array(b * n * d)), [b, n, d]);
  return { contextChosen: make(k), contextRejected: make(k), targetChosen: make(t), targetRejected: make(t) };
}

/**
 * Largest relative error between valueAndGradients' analytic gradient of `loss` with respect to
 * each parameter and central finite differences obtained by perturbing the variable in place.
 */
export async function maxParameterGradientError(module: Module, loss: () => tf.Scalar, options: { epsilon?: number; maxCoordinates?: number } = {}): Promise<{ error: number; where: string }> {
  const epsilon = options.epsilon ?? 1e-2;
  const maxCoordinates = options.maxCoordinates ?? 6;
  const params = module.trainableParameters();
  const { value, grads } = valueAndGradients(loss, params);
  value.dispose();
  let error = 0;
  let where = '';
  for (const [name, variable] of params) {
    const grad = grads.get(name);
    if (!grad) throw new Error(`no gradient reached ${name}`);
    const analytic = await grad.data();
    grad.dispose();
    const base = Float32Array.from(await variable.data());
    const stride = Math.max(1, Math.floor(base.length / maxCoordinates));
    for (let i = 0; i < base.length; i += stride) {
      const at = async (delta: number): Promise<number> => {
        const shifted = Float32Array.from(base);
        shifted[i] = shifted[i]! + delta;
        variable.assign(tf.tensor(shifted, variable.shape));
        const y = tf.tidy(loss);
        const v = (await y.data())[0]!;
        y.dispose();
        return v;
      };
      const numeric = ((await at(epsilon)) - (await at(-epsilon))) / (2 * epsilon);
      const e = Math.abs(numeric - analytic[i]!) / Math.max(1, Math.abs(numeric));
      if (e > error) {
        error = e;
        where = `${name}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`;
      }
    }
    variable.assign(tf.tensor(base, variable.shape));
  }
  return { error, where };
}
