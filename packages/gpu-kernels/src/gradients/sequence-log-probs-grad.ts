import * as tf from '@tensorflow/tfjs';
import { SteerableSequenceLogProbs, SteerableSequenceLogProbsGrad, type SequenceLogProbsGradInputs } from '../kernel-names.js';

/** d/dlogits from the saved logsumexp in one kernel; labels and mask are not differentiated. */
export const sequenceLogProbsGradConfig: tf.GradConfig = {
  kernelName: SteerableSequenceLogProbs,
  inputsToSave: ['logits', 'labels', 'mask'],
  outputsToSave: [false, true],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const [logits, labels, mask, logSumExp] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const upstream = Array.isArray(dy) ? dy[0]! : dy;
    const inputs: SequenceLogProbsGradInputs = { dy: upstream, logits, labels, mask, logSumExp };
    return {
      logits: () => tf.engine().runKernel(SteerableSequenceLogProbsGrad, inputs as unknown as tf.NamedTensorMap) as tf.Tensor,
      labels: () => tf.zerosLike(labels),
      mask: () => tf.zerosLike(mask),
    };
  },
};
