import * as tf from '@tensorflow/tfjs';
import { sequenceLogProbs } from '../logprobs/sequence-logprobs.js';

/** SFT loss: mean negative log-likelihood per response token over the batch (prompt and padding excluded). */
export function sftLoss(logits: tf.Tensor3D, ids: tf.Tensor2D, labelMask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.div(tf.sum(sequenceLogProbs(logits, ids, labelMask)), tf.maximum(tf.sum(labelMask), 1))) as tf.Scalar);
}
