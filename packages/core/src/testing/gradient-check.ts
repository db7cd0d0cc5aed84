import * as tf from '@tensorflow/tfjs';

export interface GradientCheckOptions {
  /** Central-difference step. float32 forward passes want ~1e-2..1e-3. */
  epsilon?: number;
  /** Check at most this many coordinates per input, chosen evenly (keeps big tensors cheap). */
  maxCoordinates?: number;
}

export interface GradientCheckResult {
  /** max |analytic - numeric| / max(1, |numeric|) over the checked coordinates. */
  maxRelativeError: number;
  checked: number;
  worst: { input: number; index: number; analytic: number; numeric: number } | null;
}

/**
 * Compares tfjs's analytic gradient of a scalar function with central finite differences,
 * (f(x + e) - f(x - e)) / 2e, coordinate by coordinate. Evaluated in float64 on the JS side from
 * float32 forward passes, so use a moderate epsilon and a tolerance around 1e-2.
 */
export async function checkGradients(
  f: (...inputs: tf.Tensor[]) => tf.Scalar,
  inputs: tf.Tensor[],
  options: GradientCheckOptions = {},
): Promise<GradientCheckResult> {
  const epsilon = options.epsilon ?? 1e-2;
  const maxCoordinates = options.maxCoordinates ?? 64;
  const analytic = tf.grads(f)(inputs);
  const analyticValues = await Promise.all(analytic.map((g) => g.data()));
  analytic.forEach((g) => g.dispose());
  let maxRelativeError = 0;
  let checked = 0;
  let worst: GradientCheckResult['worst'] = null;
  const baseValues = await Promise.all(inputs.map((x) => x.data()));
  for (let which = 0; which < inputs.length; which++) {
    const input = inputs[which]!;
    const base = Float32Array.from(baseValues[which] as Float32Array);
    const stride = Math.max(1, Math.floor(base.length / maxCoordinates));
    for (let index = 0; index < base.length; index += stride) {
      const evaluate = async (delta: number): Promise<number> => {
        const shifted = Float32Array.from(base);
        shifted[index] = shifted[index]! + delta;
        const replaced = inputs.map((x, i) => (i === which ? tf.tensor(shifted, input.shape, 'float32') : x));
        const y = f(...replaced);
        const value = (await y.data())[0]!;
        y.dispose();
        replaced[which]!.dispose();
        return value;
      };
      const numeric = ((await evaluate(epsilon)) - (await evaluate(-epsilon))) / (2 * epsilon);
      const a = analyticValues[which]![index]!;
      const err = Math.abs(a - numeric) / Math.max(1, Math.abs(numeric));
      checked++;
      if (err >= maxRelativeError) {
        maxRelativeError = err;
        worst = { input: which, index, analytic: a, numeric };
      }
    }
  }
  return { maxRelativeError, checked, worst };
}

/** Number of live tensors after running `fn` `times` times; use to assert a step does not leak. */
export async function tensorCountAfter(times: number, fn: () => Promise<void> | void): Promise<number> {
  for (let i = 0; i < times; i++) await fn();
  return tf.memory().numTensors;
}
