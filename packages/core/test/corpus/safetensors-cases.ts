import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type MalformedInputCase, rawSafetensors, rawSafetensorsBytes } from '../../src/testing/index.js';

const FILE = 'model.safetensors';
const f32 = (...values: number[]) => new Uint8Array(new Float32Array(values).buffer);
const entry = (dtype: unknown, shape: unknown, offsets: unknown) => ({ dtype, shape, data_offsets: offsets });
/** A valid two-tensor file's header and data: a [2] F32 at 0..8 and b [1] F32 at 8..12. */
const good = () => ({ a: entry('F32', [2], [0, 8]), b: entry('F32', [1], [8, 12]) });
const goodData = f32(1, 2, 3);
const TB = 1n << 40n;

interface Row {
  defect: string;
  bytes: () => Uint8Array;
  field: string;
  message: RegExp;
  huge?: boolean;
}

function header(patch: Record<string, unknown>, data = goodData): () => Uint8Array {
  return () => rawSafetensors({ ...good(), ...patch }, data);
}

/** Every way the header of a weights file can lie, one row each. */
const ROWS: Row[] = [
  { defect: 'empty-file', bytes: () => new Uint8Array(0), field: 'header length', message: /0 bytes, too short/ },
  { defect: 'five-bytes', bytes: () => new Uint8Array(5), field: 'header length', message: /5 bytes, too short/ },
  {
    defect: 'header-length-1tb',
    bytes: () => rawSafetensors(good(), goodData, { headerLength: TB }),
    field: 'header length',
    message: /header length 1099511627776 is over the 100000000-byte limit/,
    huge: true,
  },
  {
    defect: 'header-length-max-u64',
    bytes: () => rawSafetensors(good(), goodData, { headerLength: (1n << 64n) - 1n }),
    field: 'header length',
    message: /header length 18446744073709551615 is over/,
    huge: true,
  },
  {
    defect: 'header-length-90mb-beyond-file',
    bytes: () => rawSafetensors(good(), goodData, { headerLength: 90_000_000n }),
    field: 'header length',
    message: /header length 90000000 does not fit in a \d+-byte file/,
    huge: true,
  },
  {
    defect: 'header-length-one-past-end',
    bytes: () => {
      const b = rawSafetensors(good(), goodData);
      new DataView(b.buffer).setBigUint64(0, BigInt(b.length - 7), true);
      return b;
    },
    field: 'header length',
    message: /does not fit/,
  },
  {
    defect: 'header-length-zero',
    bytes: () => rawSafetensors(good(), goodData, { headerLength: 0n }),
    field: 'header length',
    message: /header length 0 does not fit/,
  },
  { defect: 'header-not-json', bytes: () => rawSafetensors('this is not json', goodData), field: 'header', message: /not valid UTF-8 JSON/ },
  {
    defect: 'header-invalid-utf8',
    bytes: () => rawSafetensorsBytes(new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), goodData),
    field: 'header',
    message: /not valid UTF-8 JSON/,
  },
  {
    defect: 'header-overlong-utf8',
    bytes: () => rawSafetensorsBytes(new Uint8Array([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d])),
    field: 'header',
    message: /not valid UTF-8 JSON/,
  },
  {
    defect: 'header-truncated-json',
    bytes: () => rawSafetensors(JSON.stringify(good()).slice(0, 30), goodData),
    field: 'header',
    message: /not valid UTF-8 JSON/,
  },
  { defect: 'header-is-array', bytes: () => rawSafetensors([good()], goodData), field: 'header', message: /header is an array, not a JSON object/ },
  { defect: 'header-is-null', bytes: () => rawSafetensors('null', goodData), field: 'header', message: /header is null, not a JSON object/ },
  { defect: 'header-is-number', bytes: () => rawSafetensors('12', goodData), field: 'header', message: /header is 12, not a JSON object/ },
  { defect: 'entry-is-string', bytes: header({ a: 'F32' }), field: 'a', message: /entry 'a' is not an object/ },
  { defect: 'entry-is-array', bytes: header({ a: ['F32', [2], [0, 8]] }), field: 'a', message: /entry 'a' is not an object/ },
  {
    defect: 'entry-missing-dtype',
    bytes: header({ a: { shape: [2], data_offsets: [0, 8] } }),
    field: 'a.dtype',
    message: /dtype undefined, not one of F64, F32/,
  },
  { defect: 'dtype-unknown', bytes: header({ a: entry('F128', [2], [0, 8]) }), field: 'a.dtype', message: /dtype "F128"/ },
  { defect: 'dtype-lower-case', bytes: header({ a: entry('f32', [2], [0, 8]) }), field: 'a.dtype', message: /dtype "f32"/ },
  { defect: 'dtype-fp8-not-allowed', bytes: header({ a: entry('F8_E4M3', [8], [0, 8]) }), field: 'a.dtype', message: /dtype "F8_E4M3"/ },
  { defect: 'dtype-number', bytes: header({ a: entry(4, [2], [0, 8]) }), field: 'a.dtype', message: /dtype 4/ },
  {
    defect: 'entry-unknown-key',
    bytes: header({ a: { ...entry('F32', [2], [0, 8]), offsets: [0, 8] } }),
    field: 'a.offsets',
    message: /unknown key 'offsets'/,
  },
  { defect: 'shape-not-array', bytes: header({ a: entry('F32', 2, [0, 8]) }), field: 'a.shape', message: /shape 2, expected at most 8 non-negative integers/ },
  { defect: 'shape-negative', bytes: header({ a: entry('F32', [-2], [0, 8]) }), field: 'a.shape', message: /shape \[-2\]/ },
  { defect: 'shape-fraction', bytes: header({ a: entry('F32', [2.5], [0, 8]) }), field: 'a.shape', message: /shape \[2\.5\]/ },
  { defect: 'shape-string-dim', bytes: header({ a: entry('F32', ['2'], [0, 8]) }), field: 'a.shape', message: /shape \["2"\]/ },
  { defect: 'shape-rank-9', bytes: header({ a: entry('F32', [1, 1, 1, 1, 1, 1, 1, 1, 2], [0, 8]) }), field: 'a.shape', message: /expected at most 8/ },
  { defect: 'shape-1e300', bytes: header({ a: entry('F32', [1e300], [0, 8]) }), field: 'a.shape', message: /shape \[1e\+300\]/, huge: true },
  {
    defect: 'shape-huge-2^40-squared',
    bytes: header({ a: entry('F32', [2 ** 40, 2 ** 40], [0, 8]) }),
    field: 'a.data_offsets',
    message: /needs 4835703278458516698824704 bytes but data_offsets \[0, 8\] span 8/,
    huge: true,
  },
  {
    defect: 'shape-1tb-with-matching-offsets',
    bytes: header({ a: entry('U8', [2 ** 40], [0, 2 ** 40]) }),
    field: 'a.data_offsets',
    message: /ends at byte 1099511627776 of a 12-byte data section/,
    huge: true,
  },
  { defect: 'offsets-missing', bytes: header({ a: { dtype: 'F32', shape: [2] } }), field: 'a.data_offsets', message: /data_offsets undefined/ },
  { defect: 'offsets-three-numbers', bytes: header({ a: entry('F32', [2], [0, 4, 8]) }), field: 'a.data_offsets', message: /data_offsets \[0,4,8\]/ },
  { defect: 'offsets-negative', bytes: header({ a: entry('F32', [2], [-8, 0]) }), field: 'a.data_offsets', message: /data_offsets \[-8,0\]/ },
  { defect: 'offsets-reversed', bytes: header({ a: entry('F32', [2], [8, 0]) }), field: 'a.data_offsets', message: /0 <= begin <= end/ },
  { defect: 'offsets-strings', bytes: header({ a: entry('F32', [2], ['0', '8']) }), field: 'a.data_offsets', message: /data_offsets \["0","8"\]/ },
  {
    defect: 'offsets-beyond-data',
    bytes: header({ b: entry('F32', [1], [12, 16]) }),
    field: 'b.data_offsets',
    message: /ends at byte 16 of a 12-byte data section/,
  },
  {
    defect: 'dtype-lie-f32-on-f16-bytes',
    bytes: header({ a: entry('F32', [4], [0, 8]) }),
    field: 'a.data_offsets',
    message: /shape \[4\] of F32 needs 16 bytes but data_offsets \[0, 8\] span 8/,
  },
  { defect: 'dtype-lie-f64-on-f32-bytes', bytes: header({ a: entry('F64', [2], [0, 8]) }), field: 'a.data_offsets', message: /of F64 needs 16 bytes/ },
  { defect: 'dtype-lie-f16-on-f32-bytes', bytes: header({ a: entry('F16', [2], [0, 8]) }), field: 'a.data_offsets', message: /of F16 needs 4 bytes/ },
  {
    defect: 'overlapping-tensors',
    bytes: header({ b: entry('F32', [1], [4, 8]), c: entry('F32', [1], [8, 12]) }),
    field: 'b.data_offsets',
    message: /entry 'b' \(bytes 4\.\.8\) overlaps 'a'/,
  },
  {
    defect: 'identical-offsets',
    bytes: header({ b: entry('F32', [2], [0, 8]), c: entry('F32', [1], [8, 12]) }),
    field: 'b.data_offsets',
    message: /overlaps 'a'/,
  },
  {
    defect: 'gap-between-tensors',
    bytes: () => rawSafetensors({ a: entry('F32', [1], [0, 4]), b: entry('F32', [1], [8, 12]) }, goodData),
    field: 'b.data_offsets',
    message: /bytes 4\.\.8 of the data section belong to no tensor/,
  },
  {
    defect: 'gap-at-start',
    bytes: () => rawSafetensors({ a: entry('F32', [2], [4, 12]) }, goodData),
    field: 'a.data_offsets',
    message: /bytes 0\.\.4 of the data section belong to no tensor/,
  },
  {
    defect: 'trailing-bytes',
    bytes: () => rawSafetensors(good(), f32(1, 2, 3, 4)),
    field: 'b.data_offsets',
    message: /cover 12 bytes but the data section has 16/,
  },
  {
    defect: 'data-truncated',
    bytes: () => rawSafetensors(good(), f32(1, 2, 3)).subarray(0, -2),
    field: 'b.data_offsets',
    message: /ends at byte 12 of a 10-byte data section/,
  },
  { defect: 'no-tensors-but-data', bytes: () => rawSafetensors({}, goodData), field: 'header', message: /cover 0 bytes but the data section has 12/ },
  { defect: 'metadata-not-object', bytes: header({ __metadata__: 'pt' }), field: '__metadata__', message: /__metadata__ is not an object of strings/ },
  {
    defect: 'metadata-number-value',
    bytes: header({ __metadata__: { format: 1 } }),
    field: '__metadata__.format',
    message: /__metadata__\.format is number, not a string/,
  },
];

export const SAFETENSORS_CASES: MalformedInputCase[] = ROWS.map((row) => ({
  id: `safetensors/${row.defect}`,
  consumer: 'safetensors',
  file: FILE,
  field: row.field,
  message: row.message,
  ...(row.huge ? { claimsHugeAllocation: true } : {}),
  write: async (dir: string) => {
    const path = join(dir, FILE);
    await writeFile(path, row.bytes());
    return path;
  },
}));
