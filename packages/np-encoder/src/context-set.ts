import type * as tf from '@tensorflow/tfjs';

/**
 * A batch of context sets: k pairs per task, embedded, chosen first and rejected second.
 * Both tensors are [B, k, D]; k may be 0 (no context: the encoder returns its learned prior).
 */
export interface ContextSet {
  chosen: tf.Tensor;
  rejected: tf.Tensor;
}

export function contextSize(context: ContextSet): number {
  return context.chosen.shape[1] ?? 0;
}

export function batchSize(context: ContextSet): number {
  return context.chosen.shape[0]!;
}
