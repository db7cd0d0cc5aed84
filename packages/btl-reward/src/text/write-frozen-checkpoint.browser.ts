import { type SaveCheckpointInput, SteerableError } from '@steerable/core';

/** The browser build's writeFrozenCheckpoint: a page has no directory to write to. */
export async function writeFrozenCheckpoint(dir: string, _input: SaveCheckpointInput): Promise<void> {
  throw new SteerableError('node-only', `saveFrozen writes a checkpoint directory (${dir}), which needs Node's file system`, {
    hint: 'in a browser keep the UserRewardModel (or freeze() it) in memory; save frozen users from Node',
  });
}
