import { open } from 'node:fs/promises';
import { SteerableError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import {
  type NamedArray,
  parseSafetensorsHeader,
  readSafetensorsHeaderLength,
  type SafetensorsFile,
  type SafetensorsHeader,
  type SafetensorsLimits,
  serializeSafetensors,
} from './safetensors.js';

// Node only: safetensors files on disk. The format itself (parse, serialise, validate) is in safetensors.ts, which browsers use too.

/** Reads and validates only the header of a safetensors file (8 + header length bytes). */
export async function readSafetensorsHeader(path: string, limits: SafetensorsLimits = {}): Promise<SafetensorsHeader> {
  return withFile(path, async (handle, size) => {
    const first8 = await readExactly(handle, 0, Math.min(8, size), path);
    const headerLength = readSafetensorsHeaderLength(first8, size, path, limits);
    return parseSafetensorsHeader(await readExactly(handle, 8, headerLength, path), size, path, limits);
  });
}

/**
 * Reads a safetensors file: the header first (bounded and validated against the file size),
 * then each tensor straight into its own buffer, so memory is the tensors' size, never a claim.
 */
export async function readSafetensors(path: string, limits: SafetensorsLimits = {}): Promise<SafetensorsFile> {
  return withFile(path, async (handle, size) => {
    const first8 = await readExactly(handle, 0, Math.min(8, size), path);
    const headerLength = readSafetensorsHeaderLength(first8, size, path, limits);
    const header = parseSafetensorsHeader(await readExactly(handle, 8, headerLength, path), size, path, limits);
    const tensors = new Map<string, NamedArray>();
    for (const [name, { dtype, shape, begin, end }] of header.entries) {
      tensors.set(name, { dtype, shape, data: await readExactly(handle, header.dataStart + begin, end - begin, path) });
    }
    return { tensors, metadata: header.metadata };
  });
}

export async function writeSafetensors(path: string, tensors: Map<string, NamedArray>, metadata: Record<string, string> = {}): Promise<void> {
  await writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}

type FileHandle = Awaited<ReturnType<typeof open>>;

async function withFile<T>(path: string, body: (handle: FileHandle, size: number) => Promise<T>): Promise<T> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new SteerableError(
      missing ? 'file-not-found' : 'unreadable-file',
      missing ? 'the safetensors file does not exist' : 'cannot read the safetensors file',
      { file: path, cause, hint: 'check the path' },
    );
  }
  try {
    return await body(handle, (await handle.stat()).size);
  } finally {
    await handle.close();
  }
}

async function readExactly(handle: FileHandle, position: number, length: number, file?: string): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, length - done, position + done);
    if (bytesRead === 0) {
      throw new SteerableError('bad-safetensors', `file ended at byte ${position + done}, before the ${length} bytes expected at ${position}`, {
        ...(file !== undefined ? { file } : {}),
        field: 'data',
        hint: 'the file changed while being read, or is truncated; re-export it',
      });
    }
    done += bytesRead;
  }
  return out;
}
