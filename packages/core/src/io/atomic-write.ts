import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Errors by which a filesystem says it cannot fsync a directory (Windows, some network mounts): durability is then the OS's. */
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'ENOTSUP', 'EPERM', 'EACCES', 'EBADF']);

/**
 * Flushes a directory's entries (a rename or a new file in it) to disk. Without it a rename can be
 * lost on power failure even though the renamed file's data was synced.
 */
export async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    if (!DIRECTORY_SYNC_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}

/** A hidden sibling name for work in progress (`.name.<random>.tmp`), so listings of the real names never see it. */
export function temporarySibling(path: string, suffix = 'tmp'): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.${suffix}`);
}

/** Leftovers of interrupted atomic writes (`temporarySibling` names), which are safe to delete. */
export const TEMPORARY_NAME = /^\..+\.[0-9a-f]{12}\.(tmp|old|trash)$/;

/**
 * Writes a file so that readers see either the old content or the new, never a torn file:
 * write to a sibling temp file, fsync it, rename it over the target, fsync the directory.
 * A crash mid-write leaves the old file untouched (and at worst a hidden `.tmp` sibling).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const tmp = temporarySibling(path);
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await syncDirectory(directory);
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
