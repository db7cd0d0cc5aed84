import * as tf from '@tensorflow/tfjs';

/**
 * The Bradley-Terry negative log-likelihood, mean over pairs: -log sigmoid(m) = softplus(-m), with
 * m the logit that the chosen option wins. Written with softplus because tfjs 4.22's logSigmoid
 * gradient fails when its input is an intermediate tensor (see the regression test).
 */
export function pairwiseLogisticLoss(logits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.softplus(tf.neg(logits))));
}

/** Share of pairs with a positive logit (the chosen option scored higher). */
export function pairwiseAccuracy(logits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.cast(tf.greater(logits, 0), 'float32')));
}
