import { type CheckpointManifest, disposeCheckpoint, loadCheckpoint } from '@steerable/core';
import type { RewardModel } from './models/reward-model.js';
import { rewardModelFromCheckpoint } from './reward-checkpoint.js';

export { REWARD_MODEL_CHECKPOINT_KIND } from './reward-checkpoint.js';

/**
 * Rebuilds a reward model from a checkpoint directory: the architecture from the manifest's
 * config, the weights (strictly: every parameter and buffer must match) from weights.safetensors.
 */
export async function loadRewardModel(dir: string): Promise<{ model: RewardModel; manifest: CheckpointManifest }> {
  const contents = await loadCheckpoint(dir);
  try {
    return { model: rewardModelFromCheckpoint(contents, dir), manifest: contents.manifest };
  } finally {
    disposeCheckpoint(contents);
  }
}
