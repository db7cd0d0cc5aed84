import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointDirectory, SteerableError } from '@steerable/core';
import type { Featurizer } from '@steerable/preference-data';
import { loadRewardModel } from '../checkpoint.js';
import { withRecordedFeaturizer } from './reward-run-featurizer.js';
import type { TextRewardModel } from './text-reward-model.js';

export interface LoadRewardRunOptions {
  /** 'best' (best on validation when the run kept it, else the latest; default) or 'latest'. */
  checkpoint?: 'best' | 'latest';
  /** Use this featurizer instead of rebuilding the recorded one (it must match the recorded description). */
  featurizer?: Featurizer;
}

/**
 * Loads a trained reward run (a run directory with checkpoints/, or one checkpoint directory such
 * as a frozen user's) with the featurizer its checkpoint recorded, ready to score text.
 */
export async function loadRewardRun(dir: string, options: LoadRewardRunOptions = {}): Promise<TextRewardModel> {
  const checkpoint = (await exists(join(dir, 'manifest.json'))) ? dir : await runCheckpoint(dir, options.checkpoint ?? 'best');
  return withRecordedFeaturizer(await loadRewardModel(checkpoint), checkpoint, options.featurizer);
}

async function runCheckpoint(dir: string, which: 'best' | 'latest'): Promise<string> {
  const checkpoints = new CheckpointDirectory(join(dir, 'checkpoints'));
  const found = (which === 'best' ? await checkpoints.best() : null) ?? (await checkpoints.latest());
  if (!found) {
    throw new SteerableError('run-incomplete', `${dir} has no checkpoint (neither checkpoints/ with a step nor manifest.json)`, {
      file: dir,
      hint: 'point at a run directory written by steerable-train reward, or at a checkpoint directory',
    });
  }
  return found;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
