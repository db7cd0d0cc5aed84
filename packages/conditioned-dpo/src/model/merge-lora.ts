import * as tf from '@tensorflow/tfjs';
import { SteerableError } from '@steerable/core';
import type { PolicyAdapters } from './adapters.js';
import type { Gpt2LMHeadModel } from './gpt2-model.js';

/**
 * Folds the LoRA updates into the base weights (c_attn's q and v column blocks += scaling * A B),
 * so a fine-tuned unconditional policy can be saved as a plain Hugging Face GPT-2 checkpoint.
 * Modifies `model` in place; FiLM is conditional and cannot be merged.
 */
export function mergeLoraIntoModel(model: Gpt2LMHeadModel, adapters: PolicyAdapters): void {
  if (!adapters.lora) throw new SteerableError('invalid-argument', 'these adapters have no LoRA layers to merge', { field: 'adapters.lora' });
  const d = model.config.n_embd;
  for (let layer = 0; layer < model.h.length; layer++) {
    const lora = adapters.lora.at(layer);
    const weight = model.h.at(layer).attn.c_attn.weight;
    const merged = tf.tidy(() => {
      const [q, k, v] = tf.split(weight, [d, d, d], 1);
      const dq = tf.mul(tf.matMul(lora.q.A as tf.Tensor2D, lora.q.B as tf.Tensor2D), lora.q.scaling);
      const dv = tf.mul(tf.matMul(lora.v.A as tf.Tensor2D, lora.v.B as tf.Tensor2D), lora.v.scaling);
      return tf.concat([tf.add(q!, dq), k!, tf.add(v!, dv)], 1);
    });
    weight.assign(merged);
    merged.dispose();
  }
}
