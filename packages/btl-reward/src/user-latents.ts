import type * as tf from '@tensorflow/tfjs';
import type { ContextSet } from '@steerable/np-encoder';
import type { RewardModel } from './models/reward-model.js';

/**
 * The user representation a model infers from each task's context, [B, H], in eval mode: z_C for
 * NP-BTL (the posterior mean for its latent variant), the mean of q(z|C) for VPL (before VPL's
 * normalisation, which only rescales it). Null for models that ignore the context (BTL, DPL).
 */
export function inferUserLatents(model: RewardModel, context: ContextSet): tf.Tensor2D | null {
  return model.inEvalMode(() => model.inferUser(context)) as tf.Tensor2D | null;
}
