import * as tf from '@tensorflow/tfjs';
import { type SetAttentionPoolGradInputs, SteerableSetAttentionPool, SteerableSetAttentionPoolGrad } from '../kernel-names.js';

export const setAttentionPoolGradConfig: tf.GradConfig = {
  kernelName: SteerableSetAttentionPool,
  inputsToSave: ['q', 'k', 'v', 'weightsMask'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const [q, k, v, weightsMask] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const upstream = Array.isArray(dy) ? dy[0]! : dy;
    const inputs: SetAttentionPoolGradInputs = { dy: upstream, q, k, v, weightsMask };
    // One kernel call for all three gradients, made here rather than in the closures (each closure
    // runs in its own tidy; the backward pass's tidy disposes what the gradFunc creates).
    const [dq, dk, dv] = tf.engine().runKernel(SteerableSetAttentionPoolGrad, inputs as unknown as tf.NamedTensorMap) as tf.Tensor[];
    return {
      q: () => dq!.clone(),
      k: () => dk!.clone(),
      v: () => dv!.clone(),
      weightsMask: () => tf.zerosLike(weightsMask),
    };
  },
};
