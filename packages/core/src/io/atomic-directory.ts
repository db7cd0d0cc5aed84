import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory, temporarySibling } from './atomic-write.js';

export interface WriteDirectoryAtomicOptions {
  /**
   * Keep the directory being replaced under this path (replacing what was there) instead of
   * deleting it, so a reader that finds `directory` damaged can fall back to it.
   */
  keepPreviousAs?: string;
}

/**
 * Creates or replaces `directory` as a whole: `fill` writes into a hidden temporary sibling,
 * which is synced and renamed into place only once complete, then the parent is synced.
 * A crash at any point leaves either the old directory or the new one under `directory`
 * (or, between the two renames of a replacement, the old one under `keepPreviousAs`), plus at
 * worst a hidden `.tmp` / `.old` sibling that the next writer may delete.
 */
export async function writeDirectoryAtomic(
  directory: string,
  fill: (temporary: string) => Promise<void>,
  options: WriteDirectoryAtomicOptions = {},
): Promise<void> {
  const parent = dirname(directory);
  await mkdir(parent, { recursive: true });
  const temporary = temporarySibling(directory);
  await mkdir(temporary);
  try {
    await fill(temporary);
    await syncDirectory(temporary);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  // rename(2) cannot replace a non-empty directory, so the old one moves aside first.
  let displaced: string | null = null;
  if (await exists(directory)) {
    displaced = options.keepPreviousAs ?? temporarySibling(directory, 'old');
    if (options.keepPreviousAs !== undefined) await removeDirectory(options.keepPreviousAs);
    await rename(directory, displaced);
  }
  try {
    await rename(temporary, directory);
  } catch (error) {
    if (displaced !== null) await rename(displaced, directory).catch(() => undefined);
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  await syncDirectory(parent);
  if (displaced !== null && options.keepPreviousAs === undefined) await rm(displaced, { recursive: true, force: true });
}

/**
 * Deletes a directory so that an interruption never leaves a half-deleted one under its name
 * (which a reader would see as a damaged checkpoint): rename to a hidden `.trash` sibling first.
 */
export async function removeDirectory(directory: string): Promise<void> {
  if (!(await exists(directory))) return;
  const trash = temporarySibling(directory, 'trash');
  await rename(directory, trash);
  await rm(trash, { recursive: true, force: true });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
