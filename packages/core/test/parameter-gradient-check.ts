import * as tf from '@tensorflow/tfjs';
import { type Module, valueAndGradients } from '../src/index.js';

/**
 * Finite-difference check of d loss / d parameter for every parameter of a module: the analytic
 * gradient comes from valueAndGradients (the tape the trainer uses), the numeric one from
 * perturbing the variable in place. checkGradients in core/testing covers function inputs; this
 * covers the variables themselves.
 */
export async function maxParameterGradientError(module: Module, loss: () => tf.Scalar, options: { epsilon?: number; maxCoordinates?: number } = {}): Promise<number> {
  const epsilon = options.epsilon ?? 1e-2;
  const maxCoordinates = options.maxCoordinates ?? 12;
  const params = module.namedParameters();
  const { value, grads } = valueAndGradients(loss, params);
  value.dispose();
  let worst = 0;
  for (const [name, variable] of params) {
    const grad = grads.get(name);
    if (!grad) throw new Error(`no gradient for ${name}`);
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
      worst = Math.max(worst, Math.abs(numeric - analytic[i]!) / Math.max(1, Math.abs(numeric)));
    }
    variable.assign(tf.tensor(base, variable.shape));
  }
  return worst;
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
