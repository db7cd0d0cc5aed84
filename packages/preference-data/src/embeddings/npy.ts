import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SteerableError, syncDirectory } from '@steerable/core';

/** The parsed header of a .npy file (format versions 1.0-3.0). */
export interface NpyHeader {
  dtype: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset where the data starts. */
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** A version 1.0 header for a little-endian float32 C-order array, padded to 64 bytes. */
export function encodeNpyHeader(shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + dict.length + 1;
  dict += `${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const header = new Uint8Array(10 + dict.length);
  header.set(MAGIC, 0);
  header[6] = 1;
  header[7] = 0;
  new DataView(header.buffer).setUint16(8, dict.length, true);
  header.set(new TextEncoder().encode(dict), 10);
  return header;
}

/** numpy itself refuses headers over 10,000 bytes unless told otherwise; ours allows some slack. */
export const NPY_MAX_HEADER_BYTES = 65_536;
const NPY_MAX_RANK = 8;
const NPY_KEYS = ['descr', 'fortran_order', 'shape'];

/**
 * Parses a header; `bytes` must hold at least the whole header. The header is a Python dict
 * literal, read here by pattern (never evaluated): exactly the keys descr, fortran_order and
 * shape, the shape a tuple of at most 8 non-negative integers.
 */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  const bad = (problem: string, hint = 'the file is not a NumPy .npy array; save it with numpy.save', field = 'header'): SteerableError =>
    new SteerableError('bad-npy', problem, { file, field, hint });
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad('missing the .npy magic bytes');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (major < 1 || major > 3) throw bad(`unsupported .npy format version ${major}`);
  if (bytes.length < 8 + lengthBytes) throw bad('header is truncated');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLength > NPY_MAX_HEADER_BYTES)
    throw bad(
      `header length ${headerLength} is over the ${NPY_MAX_HEADER_BYTES}-byte limit`,
      'the file is corrupt or not a plain array; save it again with numpy.save',
      'header length',
    );
  const dataOffset = 8 + lengthBytes + headerLength;
  if (bytes.length < dataOffset)
    throw bad(`header claims ${headerLength} bytes but the file is shorter`, 'the file is truncated; save it again', 'header length');
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(bytes.subarray(8 + lengthBytes, dataOffset));
  } catch {
    throw bad('header is not valid UTF-8');
  }
  const body = /^\s*\{(.*)\}\s*$/s.exec(text)?.[1];
  if (body === undefined) throw bad(`header ${JSON.stringify(text.trim().slice(0, 80))} is not a dict literal`);
  const keys = [...body.matchAll(/'([^']*)'\s*:/g)].map((m) => m[1]!);
  const unknown = keys.find((key) => !NPY_KEYS.includes(key));
  if (unknown !== undefined)
    throw bad(
      `header has key '${unknown}'; a plain array header has only descr, fortran_order and shape`,
      'save a plain numeric array with numpy.save',
      unknown,
    );
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(body)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)\b/.exec(body)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(body)?.[1];
  if (descr === undefined) throw bad("header lacks a string 'descr'", undefined, 'descr');
  if (fortran === undefined) throw bad("header lacks 'fortran_order': True or False", undefined, 'fortran_order');
  if (shapeText === undefined) throw bad("header lacks a tuple 'shape'", undefined, 'shape');
  const items = shapeText.split(',').map((s) => s.trim());
  if (items.at(-1) === '') items.pop();
  if (items.length > NPY_MAX_RANK || items.some((s) => !/^\d{1,15}$/.test(s))) {
    throw bad(
      `shape (${shapeText}) is not a tuple of at most ${NPY_MAX_RANK} non-negative integers below 10^15`,
      'save the array again with numpy.save',
      'shape',
    );
  }
  return { dtype: descr, fortranOrder: fortran === 'True', shape: items.map(Number), dataOffset };
}

export interface ReadNpyOptions {
  /** Reject NaN and infinities (default true); the error names the first bad row. */
  checkFinite?: boolean;
  /** Read only rows [rowStart, rowEnd) of the first axis (for files larger than memory). */
  rowStart?: number;
  rowEnd?: number;
}

/**
 * Reads a float32 .npy file straight into one Float32Array (no intermediate copy of the file),
 * or a range of its rows. Only little-endian float32 in C order is accepted.
 */
export async function readNpy(file: string, options: ReadNpyOptions = {}): Promise<{ shape: number[]; data: Float32Array }> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
  } catch (cause) {
    throw new SteerableError('file-not-found', 'cannot open the .npy file', { file, hint: 'check the path', cause });
  }
  try {
    const size = (await handle.stat()).size;
    const head = new Uint8Array(Math.min(size, 65_536 + 12));
    await handle.read(head, 0, head.length, 0);
    const header = parseNpyHeader(head, file);
    if (header.dtype !== '<f4' && header.dtype !== '=f4' && header.dtype !== 'f4') {
      throw new SteerableError('bad-npy', `dtype is ${header.dtype}, expected float32 ('<f4')`, {
        file,
        field: 'descr',
        hint: 'save embeddings as float32: numpy.save(path, array.astype(numpy.float32))',
      });
    }
    if (header.fortranOrder)
      throw new SteerableError('bad-npy', 'array is in Fortran order', {
        file,
        field: 'fortran_order',
        hint: 'save a C-ordered array: numpy.save(path, numpy.ascontiguousarray(array))',
      });
    const rows = header.shape[0] ?? 1;
    const rowSize = header.shape.slice(1).reduce((a, b) => a * b, 1);
    // Exact even when a lying shape claims terabytes: nothing is allocated until this matches the file.
    const expected = BigInt(header.dataOffset) + header.shape.reduce((a, b) => a * BigInt(b), 1n) * 4n;
    if (BigInt(size) !== expected) {
      throw new SteerableError('bad-npy', `file is ${size} bytes but shape (${header.shape.join(', ')}) of float32 needs ${expected}`, {
        file,
        field: 'shape',
        hint: 'the file is truncated or has trailing data; save it again',
      });
    }
    const rowStart = options.rowStart ?? 0;
    const rowEnd = Math.min(options.rowEnd ?? rows, rows);
    if (rowStart < 0 || rowStart > rowEnd)
      throw new SteerableError('invalid-argument', `row range [${rowStart}, ${rowEnd}) is outside 0..${rows}`, { file, hint: 'pass 0 <= rowStart <= rowEnd' });
    const data = new Float32Array((rowEnd - rowStart) * rowSize);
    await handle.read(new Uint8Array(data.buffer), 0, data.byteLength, header.dataOffset + rowStart * rowSize * 4);
    if (options.checkFinite ?? true) {
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i]!)) {
          const row = rowStart + Math.floor(i / rowSize);
          throw new SteerableError('invalid-data', `row ${row} holds ${data[i]} at position ${i % rowSize}`, {
            file,
            field: `row ${row}`,
            hint: 'embeddings must be finite; recompute this row (NaN usually means an empty input or an overflow in fp16)',
          });
        }
      }
    }
    return { shape: [rowEnd - rowStart, ...header.shape.slice(1)], data };
  } finally {
    await handle.close();
  }
}

/** Writes a float32 C-order .npy file atomically (header and data written straight, no concat). */
export async function writeNpy(file: string, data: Float32Array, shape: readonly number[]): Promise<void> {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length)
    throw new SteerableError('invalid-argument', `shape (${shape.join(', ')}) holds ${n} values but the data has ${data.length}`, { field: 'shape' });
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.tmp-${process.pid}-${Date.now()}`;
  const handle = await open(temporary, 'w');
  try {
    const header = encodeNpyHeader(shape);
    await handle.write(header, 0, header.length, 0);
    await handle.write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 0, data.byteLength, header.length);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, file);
  await syncDirectory(dirname(file));
}
