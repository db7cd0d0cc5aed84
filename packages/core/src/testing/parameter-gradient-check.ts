import * as tf from '@tensorflow/tfjs';
import { valueAndGradients } from '../optim/gradients.js';

export interface ParameterGradientCheckOptions {
  epsilon?: number;
  /** Coordinates checked per variable, evenly spaced. */
  maxCoordinates?: number;
}

export interface ParameterGradientCheckResult {
  /** max |analytic - numeric| / max(1, |numeric|) over the checked coordinates. */
  maxRelativeError: number;
  /** Where that worst error is: `name[index]: analytic a, numeric n`. */
  worst: string;
  checked: number;
  maxAbsGradient: number;
}

/**
 * Finite-difference check of d loss / d parameter for module variables, which tf.grads cannot
 * take as inputs: the analytic gradient comes from valueAndGradients (the tape the trainers
 * use), the numeric one from perturbing each variable in place, re-evaluating and restoring it.
 */
export async function checkParameterGradients(
  loss: () => tf.Scalar,
  params: ReadonlyArray<readonly [string, tf.Variable]>,
  options: ParameterGradientCheckOptions = {},
): Promise<ParameterGradientCheckResult> {
  const epsilon = options.epsilon ?? 1e-2;
  const maxCoordinates = options.maxCoordinates ?? 6;
  const { value, grads } = valueAndGradients(loss, params);
  value.dispose();
  const result: ParameterGradientCheckResult = { maxRelativeError: 0, worst: '', checked: 0, maxAbsGradient: 0 };
  try {
    for (const [name, variable] of params) {
      const grad = grads.get(name);
      if (!grad) throw new Error(`no gradient reached ${name}`);
      const analytic = await grad.data();
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
        const error = Math.abs(numeric - analytic[i]!) / Math.max(1, Math.abs(numeric));
        if (error > result.maxRelativeError) {
          result.maxRelativeError = error;
          result.worst = `${name}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`;
        }
        result.maxAbsGradient = Math.max(result.maxAbsGradient, Math.abs(analytic[i]!));
        result.checked++;
      }
      variable.assign(tf.tensor(base, variable.shape));
    }
  } finally {
    for (const g of grads.values()) g.dispose();
  }
  return result;
}
