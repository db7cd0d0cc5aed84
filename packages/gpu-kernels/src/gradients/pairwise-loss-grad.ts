import * as tf from '@tensorflow/tfjs';
import { type PairwiseLossAttrs, type PairwiseLossGradInputs, SteerablePairwiseLoss, SteerablePairwiseLossGrad } from '../kernel-names.js';

export const pairwiseLossGradConfig: tf.GradConfig = {
  kernelName: SteerablePairwiseLoss,
  inputsToSave: ['chosen', 'rejected'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [chosen, rejected] = saved as [tf.Tensor, tf.Tensor];
    const upstream = Array.isArray(dy) ? dy[0]! : dy;
    const { scale } = attrs as unknown as PairwiseLossAttrs;
    const inputs: PairwiseLossGradInputs = { dy: upstream, chosen, rejected };
    // One kernel call serves both inputs (the rejected gradient is its negation). It runs here,
    // not in the closures: each closure runs in its own tidy, and the backward pass's tidy
    // disposes what the gradFunc itself creates.
    const dChosen = tf.engine().runKernel(SteerablePairwiseLossGrad, inputs as unknown as tf.NamedTensorMap, { scale }) as tf.Tensor;
    return { chosen: () => dChosen.clone(), rejected: () => tf.neg(dChosen) };
  },
};
