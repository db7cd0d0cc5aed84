import { type SaveCheckpointInput, saveCheckpoint } from '@steerable/core';

/** Writes a frozen user's checkpoint directory (Node; the browser build has a twin that refuses). */
export async function writeFrozenCheckpoint(dir: string, input: SaveCheckpointInput): Promise<void> {
  await saveCheckpoint(dir, input);
}
