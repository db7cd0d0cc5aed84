import * as tf from '@tensorflow/tfjs';
import { valueAndGradients } from '@steerable/core';
import { Gpt2LMHeadModel, type Gpt2Config } from '../src/index.js';
import { Rng } from '@steerable/core';

export const TINY_CONFIG: Gpt2Config = { vocab_size: 24, n_positions: 16, n_embd: 16, n_layer: 2, n_head: 2, n_inner: null, layer_norm_epsilon: 1e-5, activation_function: 'gelu_new', bos_token_id: 0, eos_token_id: 1 };

export function tinyModel(seed = 0, config: Gpt2Config = TINY_CONFIG): Gpt2LMHeadModel {
  return new Gpt2LMHeadModel(config, new Rng(seed));
}

/**
 * Central finite differences on module variables (which tf.grads cannot take as plain inputs):
 * perturb a few coordinates of each variable in place, re-evaluate, restore.
 */
export async function finiteDifferenceCheck(loss: () => tf.Scalar, params: Array<[string, tf.Variable]>, options: { epsilon?: number; perVariable?: number } = {}): Promise<{ maxRelativeError: number; checked: number; maxAbsGradient: number }> {
  const epsilon = options.epsilon ?? 1e-2;
  const { value, grads } = valueAndGradients(loss, params);
  value.dispose();
  let maxRelativeError = 0;
  let checked = 0;
  let maxAbsGradient = 0;
  for (const [name, variable] of params) {
    const analytic = (await grads.get(name)!.data()) as Float32Array;
    const base = Float32Array.from((await variable.data()) as Float32Array);
    const stride = Math.max(1, Math.floor(base.length / (options.perVariable ?? 6)));
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
      variable.assign(tf.tensor(base, variable.shape));
      maxRelativeError = Math.max(maxRelativeError, Math.abs(numeric - analytic[i]!) / Math.max(1, Math.abs(numeric)));
      maxAbsGradient = Math.max(maxAbsGradient, Math.abs(analytic[i]!));
      checked++;
    }
  }
  for (const g of grads.values()) g.dispose();
  return { maxRelativeError, checked, maxAbsGradient };
}
