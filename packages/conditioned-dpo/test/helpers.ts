import type * as tf from '@tensorflow/tfjs';
import { checkParameterGradients } from '@steerable/core/testing';
import { Gpt2LMHeadModel, type Gpt2Config } from '../src/index.js';
import { Rng } from '@steerable/core';

export const TINY_CONFIG: Gpt2Config = {
  vocab_size: 24,
  n_positions: 16,
  n_embd: 16,
  n_layer: 2,
  n_head: 2,
  n_inner: null,
  layer_norm_epsilon: 1e-5,
  activation_function: 'gelu_new',
  bos_token_id: 0,
  eos_token_id: 1,
};

export function tinyModel(seed = 0, config: Gpt2Config = TINY_CONFIG): Gpt2LMHeadModel {
  return new Gpt2LMHeadModel(config, new Rng(seed));
}

/** Central finite differences on module variables (see checkParameterGradients). */
export async function finiteDifferenceCheck(
  loss: () => tf.Scalar,
  params: Array<[string, tf.Variable]>,
  options: { epsilon?: number; perVariable?: number } = {},
): Promise<{ maxRelativeError: number; checked: number; maxAbsGradient: number }> {
  const result = await checkParameterGradients(loss, params, {
    ...(options.epsilon !== undefined ? { epsilon: options.epsilon } : {}),
    maxCoordinates: options.perVariable ?? 6,
  });
  return { maxRelativeError: result.maxRelativeError, checked: result.checked, maxAbsGradient: result.maxAbsGradient };
}
