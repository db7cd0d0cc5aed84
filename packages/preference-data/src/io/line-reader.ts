import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { SteerableError } from '@steerable/core';

/** Lines longer than this are reported and skipped rather than buffered (default 16 MiB). */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

export type LineEvent =
  | { kind: 'line'; line: number; text: string }
  | { kind: 'too-long'; line: number; bytes: number }
  | { kind: 'not-utf8'; line: number; byteOffset: number };

const GZIP_MAGIC = [0x1f, 0x8b];
const fatalDecoder = new TextDecoder('utf-8', { fatal: true });

export async function readMagic(path: string, length = 4): Promise<Uint8Array> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new SteerableError('file-not-found', code === 'ENOENT' ? 'no such file' : `cannot open the file (${code ?? String(cause)})`, {
      file: path,
      hint: code === 'ENOENT' ? 'check the path (relative paths are resolved from the current directory)' : 'check the file permissions',
      cause,
    });
  }
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export function isGzip(magic: Uint8Array): boolean {
  return magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1];
}

/** The file's bytes, gunzipped when the file starts with the gzip magic (whatever its name). */
export async function openByteStream(path: string): Promise<Readable> {
  const magic = await readMagic(path, 2);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  return isGzip(magic) ? raw.pipe(createGunzip()).on('close', () => raw.destroy()) : raw;
}

/**
 * Streams the lines of a (possibly gzipped) text file. We split bytes ourselves rather than use
 * readline so that a line over the cap is skipped without being buffered, and invalid UTF-8 is
 * reported (readline silently substitutes U+FFFD). Strips a leading BOM and a trailing CR.
 * A truncated or corrupt gzip stream throws a SteerableError naming the last line reached.
 */
export async function* readLines(path: string, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<LineEvent> {
  const stream = await openByteStream(path);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  let lineNumber = 0;
  let fileOffset = 0;
  const finish = (bytes: Buffer): LineEvent => {
    lineNumber++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    let start = 0;
    if (lineNumber === 1 && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    const text = bytes.toString('utf8', start, end);
    // U+FFFD can be legitimate; only a fatal decode tells substitution from content.
    if (text.includes('\uFFFD')) {
      try {
        fatalDecoder.decode(bytes.subarray(start, end));
      } catch {
        return { kind: 'not-utf8', line: lineNumber, byteOffset: fileOffset };
      }
    }
    return { kind: 'line', line: lineNumber, text };
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      while (start < chunk.length) {
        const newline = chunk.indexOf(0x0a, start);
        const end = newline === -1 ? chunk.length : newline;
        if (skipping) {
          pendingBytes += end - start;
        } else if (pendingBytes + (end - start) > maxLineBytes) {
          skipping = true;
          pendingBytes += end - start;
          pending = [];
        } else if (newline !== -1 && pending.length === 0) {
          yield finish(chunk.subarray(start, end));
          fileOffset += end - start + 1;
          start = end + 1;
          continue;
        } else {
          pending.push(chunk.subarray(start, end));
          pendingBytes += end - start;
        }
        if (newline === -1) break;
        if (skipping) {
          lineNumber++;
          yield { kind: 'too-long', line: lineNumber, bytes: pendingBytes };
          skipping = false;
        } else {
          yield finish(Buffer.concat(pending, pendingBytes));
        }
        fileOffset += pendingBytes + 1;
        pending = [];
        pendingBytes = 0;
        start = end + 1;
      }
    }
  } catch (cause) {
    if (cause instanceof SteerableError) throw cause;
    const message = (cause as Error).message ?? String(cause);
    throw new SteerableError('corrupt-file', `cannot read past line ${lineNumber}: ${message}`, {
      file: path,
      line: lineNumber + 1,
      hint: /unexpected end|incorrect header|invalid/i.test(message)
        ? 'the gzip file is truncated or corrupt; download or compress it again'
        : 'check that the file is readable and complete',
      cause,
    });
  }
  if (skipping) {
    lineNumber++;
    yield { kind: 'too-long', line: lineNumber, bytes: pendingBytes };
  } else if (pendingBytes > 0) {
    yield finish(Buffer.concat(pending, pendingBytes));
  }
}
