import {
  type CheckpointContents,
  type CheckpointManifest,
  type CheckpointSource,
  disposeCheckpoint,
  loadCheckpointFrom,
  SteerableError,
} from '@steerable/core';
import type { RewardModelConfig } from './config/reward-model-config.js';
import { createRewardModel } from './factory.js';
import type { RewardModel } from './models/reward-model.js';

/** The `model.kind` written into checkpoint manifests by this package. */
export const REWARD_MODEL_CHECKPOINT_KIND = 'steerable-reward-model';

/**
 * Rebuilds a reward model from loaded checkpoint contents: the architecture from the manifest's
 * config, the weights (strictly: every parameter and buffer must match). `location` names the
 * checkpoint (a directory or URL) in errors. The contents stay the caller's to dispose.
 */
export function rewardModelFromCheckpoint(contents: CheckpointContents, location: string): RewardModel {
  if (contents.manifest.model.kind !== REWARD_MODEL_CHECKPOINT_KIND) {
    throw new SteerableError('bad-checkpoint', `checkpoint holds a '${contents.manifest.model.kind}', not a reward model`, {
      file: `${location}/manifest.json`,
      field: 'model.kind',
      hint: 'point at a checkpoint written by trainRewardModel',
    });
  }
  const model = createRewardModel(contents.manifest.model.config as RewardModelConfig, `${location}/manifest.json`);
  model.loadStateDict(contents.weights, { source: `${location}/weights.safetensors` });
  model.eval();
  return model;
}

/**
 * `loadRewardModel` for a checkpoint read through a source (fetched or in-memory bytes, e.g. in a
 * browser), with the same checks: sizes and SHA-256 against the manifest, finite weights.
 */
export async function loadRewardModelFrom(source: CheckpointSource): Promise<{ model: RewardModel; manifest: CheckpointManifest }> {
  const contents = await loadCheckpointFrom(source);
  try {
    return { model: rewardModelFromCheckpoint(contents, source.location), manifest: contents.manifest };
  } finally {
    disposeCheckpoint(contents);
  }
}
