import * as tf from '@tensorflow/tfjs';
import { SteerableError } from '@steerable/core';
import type { Gpt2LMHeadModel } from '../model/gpt2-model.js';
import { buildSequenceBatch, type TokenizedExample } from '../logprobs/sequence-batch.js';
import type { Policy, PolicyMode } from '../policy/policy.js';

/**
 * log pi(response | prompt) of every example in mini-batches, as a Float32Array. A FiLM latent
 * `mode.z` has one row per example. Each mini-batch is padded to its own longest sequence.
 */
export async function batchedLogProbs(
  policy: Policy,
  examples: readonly TokenizedExample[],
  mode: PolicyMode,
  padId: number,
  batchSize = 128,
): Promise<Float32Array> {
  if (mode.z && mode.z.shape[0] !== examples.length) {
    const hint = 'give one FiLM latent per example (repeatPerTask)';
    throw new SteerableError('invalid-argument', `z has ${mode.z.shape[0]} rows for ${examples.length} examples`, { field: 'z', hint });
  }
  const out = new Float32Array(examples.length);
  for (let start = 0; start < examples.length; start += batchSize) {
    const batch = buildSequenceBatch(examples.slice(start, start + batchSize), padId, policy.model.config.n_positions);
    const z = mode.z ? (tf.slice(mode.z, [start, 0], [Math.min(batchSize, examples.length - start), -1]) as tf.Tensor2D) : null;
    try {
      const lp = policy.logProbs(batch, { ...mode, z });
      out.set((await lp.data()) as Float32Array, start);
      lp.dispose();
    } finally {
      tf.dispose([batch.ids, batch.labelMask, ...(z ? [z] : [])]);
    }
  }
  return out;
}

/**
 * e(x, y): the frozen base model's final hidden states averaged over the response tokens, [N, d].
 * This is the embedding the context encoder sees (the analogue of the paper's LLM embeddings).
 */
export async function embedResponses(model: Gpt2LMHeadModel, examples: readonly TokenizedExample[], padId: number, batchSize = 128): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let start = 0; start < examples.length; start += batchSize) {
    const chunk = examples.slice(start, start + batchSize);
    const batch = buildSequenceBatch(chunk, padId, model.config.n_positions);
    const pooled = tf.tidy(() => {
      const { hidden, logits } = model.forward(batch.ids);
      logits.dispose();
      // labelMask[t] marks logits predicting response token t+1; hidden at t+1 has read it.
      const [n, length] = batch.ids.shape;
      const mask = tf.concat([tf.zeros([n, 1]), batch.labelMask], 1).reshape([n, length, 1]);
      return tf.div(tf.sum(tf.mul(hidden, mask), 1), tf.sum(mask, 1));
    });
    const values = (await pooled.data()) as Float32Array;
    const d = model.config.n_embd;
    for (let i = 0; i < chunk.length; i++) out.push(values.slice(i * d, (i + 1) * d));
    tf.dispose([batch.ids, batch.labelMask, pooled]);
  }
  return out;
}
