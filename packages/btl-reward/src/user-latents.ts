import * as tf from '@tensorflow/tfjs';
import type { ContextSet } from '@steerable/np-encoder';
import { NpBtlRewardModel } from './models/np-btl.js';
import type { RewardModel } from './models/reward-model.js';
import { VplRewardModel } from './models/vpl.js';

/**
 * The user representation a model infers from each task's context, [B, H], in eval mode: z_C for
 * NP-BTL (the posterior mean for its latent variant), the mean of q(z|C) for VPL (before VPL's
 * normalisation, which only rescales it). Null for models that ignore the context (BTL, DPL).
 */
export function inferUserLatents(model: RewardModel, context: ContextSet): tf.Tensor2D | null {
  if (model instanceof NpBtlRewardModel) return model.inEvalMode(() => model.encoder.encode(context) as tf.Tensor2D);
  if (model instanceof VplRewardModel) {
    return model.inEvalMode(() => {
      const q = model.encoder.distribution(context);
      q.std.dispose();
      return q.mean as tf.Tensor2D;
    });
  }
  return null;
}
