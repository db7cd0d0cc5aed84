import * as tf from '@tensorflow/tfjs';
import { pairwiseLoss } from '@steerable/gpu-kernels';

/**
 * The Bradley-Terry negative log-likelihood, mean over pairs: -log sigmoid(m) = softplus(-m), with
 * m the logit that the chosen option wins. Written with softplus because tfjs 4.22's logSigmoid
 * gradient fails when its input is an intermediate tensor (see the regression test). Runs the
 * fused gpu-kernels op when the active backend has it (its composite fallback is the same formula).
 */
export function pairwiseLogisticLoss(logits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => pairwiseLoss(logits, tf.zerosLike(logits)));
}

/** Share of pairs with a positive logit (the chosen option scored higher). */
export function pairwiseAccuracy(logits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.cast(tf.greater(logits, 0), 'float32')));
}
