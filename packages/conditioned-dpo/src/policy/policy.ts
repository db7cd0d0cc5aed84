import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@steerable/core';
import type { ContextEncoder, ContextSet } from '@steerable/np-encoder';
import type { Gpt2LMHeadModel } from '../model/gpt2-model.js';
import type { PolicyAdapters } from '../model/adapters.js';
import type { SequenceBatch } from '../logprobs/sequence-batch.js';
import { sequenceLogProbs } from '../logprobs/sequence-logprobs.js';

export interface PolicyMode {
  /** LoRA on (the fine-tuned policy) or off. */
  lora: boolean;
  /** FiLM latent per sequence [N, H], or null for FiLM off. */
  z: tf.Tensor2D | null;
  training?: boolean;
  rng?: Rng;
}

/** The reference model: the same base weights with every adapter off. */
export const REFERENCE_MODE: PolicyMode = { lora: false, z: null };

/** The context encoder's parameter names start with this in `trainableParameters()` (and in checkpoints). */
export const ENCODER_PREFIX = 'encoder.';

/**
 * A policy = frozen base LM + adapters (LoRA, FiLM) + optionally the context encoder that turns a
 * user's context pairs into the FiLM latent. The reference model is `mode = REFERENCE_MODE`.
 */
export class Policy {
  constructor(
    readonly model: Gpt2LMHeadModel,
    readonly adapters: PolicyAdapters,
    readonly encoder: ContextEncoder | null = null,
  ) {}

  /** log pi(response | prompt, z) per sequence, [N]. */
  logProbs(batch: SequenceBatch, mode: PolicyMode): tf.Tensor1D {
    return tf.tidy(() => {
      const usesAdapters = mode.lora || mode.z !== null;
      const { logits, hidden } = this.model.forward(batch.ids, usesAdapters ? { adapters: { adapters: this.adapters, ...mode } } : {});
      hidden.dispose();
      return sequenceLogProbs(logits, batch.ids, batch.labelMask);
    });
  }

  /** z_C [B, H] for a batch of context sets (the encoder's learned prior when k = 0). */
  encode(context: ContextSet, rng?: Rng): tf.Tensor2D {
    if (!this.encoder) throw new Error('this policy has no context encoder');
    return this.encoder.encode(context, rng ? { rng } : {}) as tf.Tensor2D;
  }

  /** What trains: adapters and encoder, under `adapters.` / `encoder.` prefixes; never the base. */
  trainableParameters(): Array<[string, tf.Variable]> {
    return [...this.adapters.namedParameters('adapters.'), ...(this.encoder ? this.encoder.namedParameters(ENCODER_PREFIX) : [])];
  }

  train(mode = true): void {
    this.adapters.train(mode);
    this.encoder?.train(mode);
  }

  dispose(): void {
    this.adapters.dispose();
    this.encoder?.dispose();
  }
}

/** Repeats each task's z for its rows: z [B, H] -> [B * perTask, H], task-major. */
export function repeatPerTask(z: tf.Tensor2D, perTask: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [b, h] = z.shape;
    return tf.tile(z.reshape([b, 1, h]), [1, perTask, 1]).reshape([b * perTask, h]) as tf.Tensor2D;
  });
}
