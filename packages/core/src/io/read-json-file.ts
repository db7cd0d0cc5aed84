import { type FileHandle, open } from 'node:fs/promises';
import type { z } from 'zod';
import { parseConfig } from '../config/parse-config.js';
import { SteerableError } from '../errors.js';
import { parseJsonBytes } from './parse-json-bytes.js';

export interface ReadJsonFileOptions {
  /** Refuse files larger than this before reading them (default 4 MiB). */
  maxBytes?: number;
  /** What the file is, for messages ("checkpoint manifest", "tokenizer.json"). */
  what?: string;
  /** How to fix a file that cannot be read or parsed. */
  hint?: string;
}

export const DEFAULT_MAX_JSON_BYTES = 4 * 1024 * 1024;

/**
 * Reads a JSON file defensively: the size is bounded before anything is read, the bytes must be
 * UTF-8 (a BOM is allowed), and a syntax error names the line. Nothing in the file is evaluated.
 */
export async function readJsonFile(file: string, options: ReadJsonFileOptions = {}): Promise<unknown> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_JSON_BYTES;
  const what = options.what ?? 'JSON file';
  const hint = options.hint ?? `check that ${file} is a complete ${what}`;
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new SteerableError(missing ? 'file-not-found' : 'unreadable-file', `cannot read the ${what}${missing ? ': it does not exist' : ''}`, {
      file,
      cause,
      hint,
    });
  }
  let bytes: Uint8Array;
  try {
    const size = (await handle.stat()).size;
    if (size > maxBytes) {
      throw new SteerableError('file-too-large', `the ${what} is ${size} bytes, over the ${maxBytes}-byte limit`, {
        file,
        hint: `${hint} (a file this large is not a ${what})`,
      });
    }
    // Read at most maxBytes + 1 whatever stat said, in case the file grows meanwhile.
    const buffer = new Uint8Array(Math.min(size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    if (length > maxBytes) throw new SteerableError('file-too-large', `the ${what} is over the ${maxBytes}-byte limit`, { file, hint });
    bytes = buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
  return parseJsonBytes(bytes, file, { what, hint });
}

/** Reads a JSON file and validates it against a strict zod schema (errors name the field). */
export async function readJsonFileWithSchema<S extends z.ZodType>(file: string, schema: S, options: ReadJsonFileOptions = {}): Promise<z.output<S>> {
  return parseConfig(schema, await readJsonFile(file, options), { file });
}
