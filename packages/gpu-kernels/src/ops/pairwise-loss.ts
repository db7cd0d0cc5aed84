import * as tf from '@tensorflow/tfjs';
import { type PairwiseLossAttrs, type PairwiseLossInputs, SteerablePairwiseLoss } from '../kernel-names.js';
import { hasKernel } from './fallback.js';
import { expectDtype, expectShape, fail } from './validate.js';

const OP = 'pairwiseLoss';

/**
 * The Bradley-Terry / DPO loss: mean over pairs of softplus(-(chosen - rejected) * scale), i.e.
 * -mean log sigmoid(scale * margin), written without tf.logSigmoid (whose gradient crashes on
 * intermediates in tfjs 4.22).
 *
 * ```js
 * pairwiseLoss(tf.tensor1d([2, 0]), tf.tensor1d([1, 1])).print(); // (softplus(-1) + softplus(1)) / 2
 * ```
 * @param chosen rewards (BTL) or log-ratios (DPO) of the preferred options, any shape.
 * @param rejected the same for the rejected options, same shape.
 * @param scale 1 for BTL; beta for DPO.
 */
export function pairwiseLoss(chosen: tf.Tensor, rejected: tf.Tensor, scale = 1): tf.Scalar {
  expectDtype(OP, 'chosen', chosen, 'float32');
  expectShape(OP, 'rejected', rejected, chosen.shape, 'the shape of chosen');
  expectDtype(OP, 'rejected', rejected, 'float32');
  if (!Number.isFinite(scale)) fail(OP, 'scale', `scale must be a finite number, got ${scale}`, 'pass 1 for BTL or beta (e.g. 0.05) for DPO');
  if (!hasKernel(SteerablePairwiseLoss, OP)) return pairwiseLossComposite(chosen, rejected, scale);
  const inputs: PairwiseLossInputs = { chosen: chosen.reshape([-1]), rejected: rejected.reshape([-1]) };
  const attrs: PairwiseLossAttrs = { scale };
  const out = tf.engine().runKernel(SteerablePairwiseLoss, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Scalar;
  tf.dispose([inputs.chosen as tf.Tensor, inputs.rejected as tf.Tensor]);
  return out;
}

/** The composite: fallback and oracle. */
export function pairwiseLossComposite(chosen: tf.Tensor, rejected: tf.Tensor, scale = 1): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.softplus(tf.mul(tf.sub(rejected, chosen), scale))) as tf.Scalar);
}
