import { SteerableError } from '../errors.js';

/**
 * The safetensors format (8-byte little-endian header length, JSON header, raw little-endian
 * data), so weights and embeddings interoperate with PyTorch and the Hugging Face hub.
 *
 * Files are untrusted: the header is bounded and checked against the file size before it is
 * read, every entry is validated (dtype from an allow-list, shape non-negative and bounded, byte
 * length = elements x dtype size, offsets inside the data section, contiguous and non-overlapping,
 * as the reference implementation requires) before a single tensor byte is allocated.
 */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

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

/** One validated header entry: where the tensor's bytes are, relative to the data section. */
export interface SafetensorsEntryInfo {
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Length of the JSON header in bytes. */
  headerLength: number;
  /** File offset of the data section (8 + headerLength). */
  dataStart: number;
  /** Bytes in the data section. */
  dataLength: number;
  entries: Map<string, SafetensorsEntryInfo>;
  metadata: Record<string, string>;
}

export interface SafetensorsLimits {
  /** Largest accepted JSON header (default 100 MB, the reference implementation's limit). */
  maxHeaderBytes?: number;
  /** Most dimensions a tensor may have (default 8). */
  maxRank?: number;
}

export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;
const DEFAULT_MAX_RANK = 8;

export const SAFETENSORS_BYTES_PER_ELEMENT: Readonly<Record<SafetensorsDtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};
const DTYPES = Object.keys(SAFETENSORS_BYTES_PER_ELEMENT) as SafetensorsDtype[];
const ENTRY_KEYS = new Set(['dtype', 'shape', 'data_offsets']);
const CORRUPT_HINT = 'the file is truncated, corrupt or not safetensors; re-export it (safetensors.torch.save_file)';

export function float32Entry(shape: number[], values: Float32Array): NamedArray {
  return { dtype: 'F32', shape, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

export function int32Entry(shape: number[], values: Int32Array): NamedArray {
  return { dtype: 'I32', shape, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

/** Copies the entry's bytes into a Float32Array, converting F16/BF16/F64/I32 when needed. */
export function entryToFloat32(entry: NamedArray, name = 'tensor', file?: string): Float32Array {
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
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    case 'I32':
      for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    default:
      throw new SteerableError('unsupported-dtype', `tensor '${name}' has dtype ${entry.dtype}, expected a float type`, {
        ...(file !== undefined ? { file } : {}),
        field: `${name}.dtype`,
        hint: 'store weights and embeddings as F32, F16, BF16 or F64',
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
    const expected = t.shape.reduce((a, b) => a * b, 1) * SAFETENSORS_BYTES_PER_ELEMENT[t.dtype];
    if (expected !== t.data.byteLength) {
      throw new SteerableError(
        'shape-mismatch',
        `tensor '${name}' has ${t.data.byteLength} bytes but shape ${JSON.stringify(t.shape)} of ${t.dtype} needs ${expected}`,
      );
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

/**
 * The header length the first 8 bytes claim, checked against the limit and the file size
 * before anything else is read or allocated.
 */
export function readSafetensorsHeaderLength(first8: Uint8Array, fileSize: number, file: string, limits: SafetensorsLimits = {}): number {
  if (fileSize < 8 || first8.byteLength < 8) {
    throw new SteerableError('bad-safetensors', `file is ${fileSize} bytes, too short for a safetensors header`, {
      file,
      field: 'header length',
      hint: CORRUPT_HINT,
    });
  }
  const claimed = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  const maxHeader = BigInt(limits.maxHeaderBytes ?? SAFETENSORS_MAX_HEADER_BYTES);
  if (claimed > maxHeader) {
    throw new SteerableError('bad-safetensors', `header length ${claimed} is over the ${maxHeader}-byte limit`, {
      file,
      field: 'header length',
      hint: CORRUPT_HINT,
    });
  }
  if (claimed < 2n || 8n + claimed > BigInt(fileSize)) {
    throw new SteerableError('bad-safetensors', `header length ${claimed} does not fit in a ${fileSize}-byte file`, {
      file,
      field: 'header length',
      hint: CORRUPT_HINT,
    });
  }
  return Number(claimed);
}

/**
 * Validates a header. `headerBytes` are bytes [8, 8 + headerLength) of a `fileSize`-byte file.
 * Nothing is allocated from the header's claims: every size is checked against the file first.
 */
export function parseSafetensorsHeader(headerBytes: Uint8Array, fileSize: number, file: string, limits: SafetensorsLimits = {}): SafetensorsHeader {
  const headerLength = headerBytes.byteLength;
  const dataStart = 8 + headerLength;
  const dataLength = fileSize - dataStart;
  const bad = (problem: string, field: string): SteerableError => new SteerableError('bad-safetensors', problem, { file, field, hint: CORRUPT_HINT });
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (cause) {
    throw new SteerableError('bad-safetensors', `header is not valid UTF-8 JSON (${(cause as Error).message})`, {
      file,
      field: 'header',
      cause,
      hint: CORRUPT_HINT,
    });
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    throw bad(`header is ${Array.isArray(header) ? 'an array' : String(header)}, not a JSON object`, 'header');
  const maxRank = limits.maxRank ?? DEFAULT_MAX_RANK;
  const entries = new Map<string, SafetensorsEntryInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(raw, bad);
      continue;
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw bad(`entry '${name}' is not an object {dtype, shape, data_offsets}`, name);
    const entry = raw as Record<string, unknown>;
    const unknown = Object.keys(entry).find((key) => !ENTRY_KEYS.has(key));
    if (unknown !== undefined) throw bad(`entry '${name}' has unknown key '${unknown}' (expected dtype, shape, data_offsets)`, `${name}.${unknown}`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string' || !(DTYPES as string[]).includes(dtype)) {
      throw new SteerableError('bad-safetensors', `entry '${name}' has dtype ${JSON.stringify(dtype)}, not one of ${DTYPES.join(', ')}`, {
        file,
        field: `${name}.dtype`,
        hint: 'convert the tensor to a supported dtype (F32, F16, BF16) before saving',
      });
    }
    if (!Array.isArray(shape) || shape.length > maxRank || shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) {
      throw bad(`entry '${name}' has shape ${JSON.stringify(shape)}, expected at most ${maxRank} non-negative integers`, `${name}.shape`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      offsets.some((o) => !Number.isSafeInteger(o) || (o as number) < 0) ||
      (offsets[0] as number) > (offsets[1] as number)
    ) {
      throw bad(`entry '${name}' has data_offsets ${JSON.stringify(offsets)}, expected [begin, end] with 0 <= begin <= end`, `${name}.data_offsets`);
    }
    const [begin, end] = offsets as [number, number];
    // BigInt: a lying shape such as [2^40, 2^40] must not overflow into a plausible size.
    const needed = (shape as number[]).reduce((a, b) => a * BigInt(b), 1n) * BigInt(SAFETENSORS_BYTES_PER_ELEMENT[dtype as SafetensorsDtype]);
    if (needed !== BigInt(end - begin)) {
      throw bad(
        `entry '${name}': shape ${JSON.stringify(shape)} of ${dtype} needs ${needed} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
        `${name}.data_offsets`,
      );
    }
    if (end > dataLength) throw bad(`entry '${name}' ends at byte ${end} of a ${dataLength}-byte data section`, `${name}.data_offsets`);
    entries.set(name, { dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end });
  }
  const ordered = [...entries].sort(([, a], [, b]) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous = '';
  for (const [name, { begin, end }] of ordered) {
    if (begin < cursor) throw bad(`entry '${name}' (bytes ${begin}..${end}) overlaps '${previous}' (ending at ${cursor})`, `${name}.data_offsets`);
    if (begin > cursor) throw bad(`bytes ${cursor}..${begin} of the data section belong to no tensor (before '${name}')`, `${name}.data_offsets`);
    cursor = end;
    previous = name;
  }
  if (cursor !== dataLength)
    throw bad(`the tensors cover ${cursor} bytes but the data section has ${dataLength}`, ordered.length > 0 ? `${previous}.data_offsets` : 'header');
  return { headerLength, dataStart, dataLength, entries, metadata };
}

function parseMetadata(raw: unknown, bad: (problem: string, field: string) => SteerableError): Record<string, string> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw bad('__metadata__ is not an object of strings', '__metadata__');
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') throw bad(`__metadata__.${key} is ${typeof value}, not a string`, `__metadata__.${key}`);
  }
  return raw as Record<string, string>;
}

/** Parses a whole safetensors file held in memory (every tensor's bytes are copied, so they are aligned). */
export function parseSafetensors(bytes: Uint8Array, file = '<buffer>', limits: SafetensorsLimits = {}): SafetensorsFile {
  const headerLength = readSafetensorsHeaderLength(bytes.subarray(0, 8), bytes.byteLength, file, limits);
  const header = parseSafetensorsHeader(bytes.subarray(8, 8 + headerLength), bytes.byteLength, file, limits);
  const tensors = new Map<string, NamedArray>();
  for (const [name, { dtype, shape, begin, end }] of header.entries) {
    tensors.set(name, { dtype, shape, data: bytes.slice(header.dataStart + begin, header.dataStart + end) });
  }
  return { tensors, metadata: header.metadata };
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
