import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep, win32 } from 'node:path';
import { SteerableError } from '../errors.js';

export interface SafePathLocation {
  /** The manifest or index that named the path (named in the error). */
  file: string;
  /** The field of that file that holds the path. */
  field: string;
}

/**
 * Resolves a path read from a manifest against the manifest's directory, refusing any that could
 * leave it: absolute paths (POSIX or Windows), `..` segments, backslashes, NUL, and symlinks whose
 * target lies outside. A path that does not exist yet resolves normally (the caller reports it).
 */
export async function resolveInside(directory: string, path: unknown, location: SafePathLocation): Promise<string> {
  const refuse = (problem: string): SteerableError =>
    new SteerableError('unsafe-path', `path ${JSON.stringify(path)} ${problem}`, {
      ...location,
      hint: 'a manifest may only name files inside its own directory, by a relative path without ".." (re-create the manifest, or move the files next to it)',
    });
  if (typeof path !== 'string' || path.length === 0) throw refuse('is not a non-empty string');
  if (path.includes('\0')) throw refuse('contains a NUL byte');
  if (path.includes('\\')) throw refuse('contains a backslash');
  if (isAbsolute(path) || win32.isAbsolute(path)) throw refuse('is absolute');
  if (path.split('/').includes('..')) throw refuse("has a '..' segment");
  const resolved = join(directory, path);
  let real: string;
  try {
    real = await realpath(resolved);
  } catch {
    return resolved;
  }
  const root = await realpath(directory);
  const inside = relative(root, real);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside))
    throw refuse(`leads outside ${directory} (through a symlink to ${real})`);
  return resolved;
}
