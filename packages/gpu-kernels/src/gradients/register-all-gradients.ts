import * as tf from '@tensorflow/tfjs';
import { pairwiseLossGradConfig } from './pairwise-loss-grad.js';
import { sequenceLogProbsGradConfig } from './sequence-log-probs-grad.js';
import { setAttentionPoolGradConfig } from './set-attention-pool-grad.js';

export const STEERABLE_GRADIENTS: readonly tf.GradConfig[] = [sequenceLogProbsGradConfig, pairwiseLossGradConfig, setAttentionPoolGradConfig];

/** Gradients are global (not per backend); registering twice would only warn, so skip it. */
export function registerSteerableGradients(): void {
  for (const config of STEERABLE_GRADIENTS) {
    if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
  }
}
