import type { CheckpointManifest } from '@steerable/core';
import { type Featurizer, createFeaturizer } from '@steerable/preference-data';
import type { RewardModel } from '../models/reward-model.js';
import { readFeaturizerRecord } from './featurizer-record.js';
import { TextRewardModel } from './text-reward-model.js';

/**
 * A loaded reward model with the featurizer its checkpoint recorded (or the one given, which must
 * match the record), wherever the checkpoint was read from. Disposes the model if that fails.
 */
export async function withRecordedFeaturizer(
  loaded: { model: RewardModel; manifest: CheckpointManifest },
  location: string,
  featurizer?: Featurizer,
): Promise<TextRewardModel> {
  const { model, manifest } = loaded;
  try {
    const record = readFeaturizerRecord(manifest.extra);
    const chosen = featurizer ?? (record.config ? await createFeaturizer(record.config) : null);
    return new TextRewardModel(model, chosen, record, location);
  } catch (error) {
    model.dispose();
    throw error;
  }
}
