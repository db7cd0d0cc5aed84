import { readFile } from 'node:fs/promises';
import { SteerableError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';

/**
 * The safetensors format (8-byte little-endian header length, JSON header, raw little-endian
 * data), so weights and embeddings interoperate with PyTorch and the Hugging Face hub.
 */
export type SafetensorsDtype = 'F32' | 'F16' | 'I32' | 'I64' | 'U8' | 'BOOL' | 'F64';

export interface NamedArray {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Raw little-endian bytes of the tensor. */
  data: Uint8Array;
}

export type SafetensorsFile = {
  tensors: Map<string, NamedArray>;
  metadata: Record<string, string>;
};

const BYTES_PER_ELEMENT: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, I32: 4, I64: 8, U8: 1, BOOL: 1, F64: 8 };

export function float32Entry(shape: number[], values: Float32Array): NamedArray {
  return { dtype: 'F32', shape, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

export function int32Entry(shape: number[], values: Int32Array): NamedArray {
  return { dtype: 'I32', shape, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

/** Copies the entry's bytes into a Float32Array, converting F16/F64 when needed. */
export function entryToFloat32(entry: NamedArray, name = 'tensor'): Float32Array {
  const n = entry.shape.reduce((a, b) => a * b, 1);
  const bytes = entry.data;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  switch (entry.dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    case 'I32':
      for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    default:
      throw new SteerableError('unsupported-dtype', `${name} has dtype ${entry.dtype}, expected a float type`, {
        field: name,
        hint: 'store weights and embeddings as F32, F16 or F64',
      });
  }
}

export function serializeSafetensors(tensors: Map<string, NamedArray>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const names = [...tensors.keys()].sort();
  for (const name of names) {
    const t = tensors.get(name)!;
    const expected = t.shape.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[t.dtype];
    if (expected !== t.data.byteLength) {
      throw new SteerableError('shape-mismatch', `tensor '${name}' has ${t.data.byteLength} bytes but shape ${JSON.stringify(t.shape)} of ${t.dtype} needs ${expected}`);
    }
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let headerText = JSON.stringify(header);
  // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
  while ((headerText.length + 8) % 8 !== 0) headerText += ' ';
  const headerBytes = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let cursor = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors.get(name)!;
    out.set(t.data, cursor);
    cursor += t.data.byteLength;
  }
  return out;
}

export function parseSafetensors(bytes: Uint8Array, file = '<buffer>'): SafetensorsFile {
  if (bytes.byteLength < 8) {
    throw new SteerableError('bad-safetensors', `file is ${bytes.byteLength} bytes, too short for a safetensors header`, { file, hint: 'the file is truncated or not safetensors; re-export it' });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength <= 0 || 8 + headerLength > bytes.byteLength) {
    throw new SteerableError('bad-safetensors', `header length ${headerLength} does not fit in a ${bytes.byteLength}-byte file`, { file, hint: 'the file is truncated or not safetensors; re-export it' });
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch (cause) {
    throw new SteerableError('bad-safetensors', 'header is not valid UTF-8 JSON', { file, cause, hint: 'the file is corrupt or not safetensors; re-export it' });
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, NamedArray>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    const entry = raw as { dtype?: string; shape?: unknown; data_offsets?: unknown };
    if (!entry || typeof entry.dtype !== 'string' || !(entry.dtype in BYTES_PER_ELEMENT) || !Array.isArray(entry.shape) || !Array.isArray(entry.data_offsets)) {
      throw new SteerableError('bad-safetensors', `entry '${name}' needs dtype (one of ${Object.keys(BYTES_PER_ELEMENT).join(', ')}), shape and data_offsets`, { file, field: name });
    }
    const [begin, end] = entry.data_offsets as [number, number];
    const shape = entry.shape as number[];
    const dtype = entry.dtype as SafetensorsDtype;
    const expected = shape.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[dtype];
    if (end - begin !== expected || dataStart + end > bytes.byteLength) {
      throw new SteerableError('bad-safetensors', `entry '${name}' spans bytes ${begin}..${end} but shape ${JSON.stringify(shape)} of ${dtype} needs ${expected} bytes within a ${bytes.byteLength - dataStart}-byte data section`, { file, field: name, hint: 'the file is truncated or corrupt; re-export it' });
    }
    // Copy so the result is aligned and independent of the source buffer.
    tensors.set(name, { dtype, shape, data: bytes.slice(dataStart + begin, dataStart + end) });
  }
  return { tensors, metadata };
}

export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  return parseSafetensors(new Uint8Array(await readFile(path)), path);
}

export async function writeSafetensors(path: string, tensors: Map<string, NamedArray>, metadata: Record<string, string> = {}): Promise<void> {
  await writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
