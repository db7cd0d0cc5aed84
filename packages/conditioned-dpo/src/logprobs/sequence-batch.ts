import * as tf from '@tensorflow/tfjs';
import { SteerableError } from '@steerable/core';

/** A prompt and a response as token ids (no padding). */
export interface TokenizedExample {
  prompt: readonly number[];
  response: readonly number[];
}

/**
 * Prompt + response, right-padded to one length. `labelMask[n, t]` is 1 exactly where token t + 1
 * of row n is a response token, i.e. where logits[n, t] predicts a response token; prompt
 * positions and padding are 0.
 */
export interface SequenceBatch {
  ids: tf.Tensor2D;
  labelMask: tf.Tensor2D;
}

export function sequenceBatchArrays(
  examples: readonly TokenizedExample[],
  padId: number,
  maxLength?: number,
): { ids: Int32Array; labelMask: Float32Array; length: number } {
  if (examples.length === 0) throw new SteerableError('invalid-argument', 'cannot build a batch of 0 sequences');
  const length = Math.max(2, ...examples.map((e) => e.prompt.length + e.response.length));
  if (maxLength !== undefined && length > maxLength) {
    throw new SteerableError('sequence-too-long', `prompt + response is ${length} tokens, the model accepts ${maxLength}`, {
      field: 'n_positions',
      hint: 'shorten the data or use a model with more positions',
    });
  }
  const ids = new Int32Array(examples.length * length).fill(padId);
  const labelMask = new Float32Array(examples.length * (length - 1));
  examples.forEach((e, n) => {
    if (e.prompt.length === 0) throw new SteerableError('invalid-argument', `example ${n} has an empty prompt; start it with a BOS token`, { field: 'prompt' });
    ids.set(e.prompt, n * length);
    ids.set(e.response, n * length + e.prompt.length);
    for (let t = e.prompt.length - 1; t < e.prompt.length - 1 + e.response.length; t++) labelMask[n * (length - 1) + t] = 1;
  });
  return { ids, labelMask, length };
}

export function buildSequenceBatch(examples: readonly TokenizedExample[], padId: number, maxLength?: number): SequenceBatch {
  const { ids, labelMask, length } = sequenceBatchArrays(examples, padId, maxLength);
  return { ids: tf.tensor2d(ids, [examples.length, length], 'int32'), labelMask: tf.tensor2d(labelMask, [examples.length, length - 1], 'float32') };
}
