import * as tf from '@tensorflow/tfjs';
import { sequenceLogProbs as fusedSequenceLogProbs } from '@steerable/gpu-kernels';

/**
 * Per-token log-probabilities of the next token, [N, T-1]: log softmax(logits[:, t])[ids[:, t+1]].
 * For inspection and tests; the losses go through `sequenceLogProbs`, which never materialises
 * the [N, T-1, V] log-softmax where gpu-kernels has a fused kernel.
 */
export function tokenLogProbs(logits: tf.Tensor3D, ids: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, t, vocab] = logits.shape;
    const predicting = tf.slice(logits, [0, 0, 0], [n, t - 1, vocab]);
    const targets = tf.slice(ids, [0, 1], [n, t - 1]);
    const logProbs = tf.logSoftmax(predicting, -1);
    return tf.sum(tf.mul(logProbs, tf.oneHot(targets.toInt(), vocab).toFloat()), -1) as tf.Tensor2D;
  });
}

/**
 * log pi(response | prompt) per sequence, [N]: the sum of token log-probabilities where
 * labelMask [N, T-1] is 1 (response tokens only; prompt and padding contribute nothing). Logits
 * at position t score token t + 1, hence the one-position shift.
 */
export function sequenceLogProbs(logits: tf.Tensor3D, ids: tf.Tensor2D, labelMask: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const [n, t, vocab] = logits.shape;
    const predicting = tf.slice(logits, [0, 0, 0], [n, t - 1, vocab]);
    const targets = tf.slice(ids, [0, 1], [n, t - 1]);
    return fusedSequenceLogProbs(predicting, targets.dtype === 'int32' ? targets : targets.toInt(), labelMask);
  });
}

/** Number of response tokens per sequence, [N]. */
export function responseTokenCounts(labelMask: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(labelMask, -1) as tf.Tensor1D;
}
