import { type CheckpointManifest, disposeCheckpoint, loadCheckpoint, SteerableError } from '@steerable/core';
import type { RewardModelConfig } from './config/reward-model-config.js';
import { createRewardModel } from './factory.js';
import type { RewardModel } from './models/reward-model.js';

/** The `model.kind` written into checkpoint manifests by this package. */
export const REWARD_MODEL_CHECKPOINT_KIND = 'steerable-reward-model';

/**
 * Rebuilds a reward model from a checkpoint directory: the architecture from the manifest's
 * config, the weights (strictly: every parameter and buffer must match) from weights.safetensors.
 */
export async function loadRewardModel(dir: string): Promise<{ model: RewardModel; manifest: CheckpointManifest }> {
  const contents = await loadCheckpoint(dir);
  try {
    if (contents.manifest.model.kind !== REWARD_MODEL_CHECKPOINT_KIND) {
      throw new SteerableError('bad-checkpoint', `checkpoint holds a '${contents.manifest.model.kind}', not a reward model`, { file: `${dir}/manifest.json`, field: 'model.kind', hint: 'point at a checkpoint written by trainRewardModel' });
    }
    const model = createRewardModel(contents.manifest.model.config as RewardModelConfig, `${dir}/manifest.json`);
    model.loadStateDict(contents.weights, { source: `${dir}/weights.safetensors` });
    model.eval();
    return { model, manifest: contents.manifest };
  } finally {
    disposeCheckpoint(contents);
  }
}
