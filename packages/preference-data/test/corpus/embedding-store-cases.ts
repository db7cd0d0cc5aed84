import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type MalformedInputCase, rawSafetensors } from '@steerable/core/testing';

const f32 = (...values: number[]) => Buffer.from(new Float32Array(values).buffer);
const entry = (idx: number, extra: Record<string, unknown> = {}) => JSON.stringify({ idx, split: 'train', choices: { helpful: 0, harmless: 1 }, ...extra });
/** Two pairs of 2-dim embeddings: shape (2, 2, 2). */
const INDEX = [entry(0), entry(1)];
const VALUES = [0, 1, 2, 3, 4, 5, 6, 7];

/** A .npy file from a literal header dict (not necessarily valid) and raw data. */
function npy(dict: string, data: Buffer = f32(...VALUES), options: { version?: number; headerLength?: number; magic?: Buffer } = {}): Buffer {
  const version = options.version ?? 1;
  const lengthBytes = version === 1 ? 2 : 4;
  let text = dict;
  text += `${' '.repeat((64 - ((8 + lengthBytes + text.length + 1) % 64)) % 64)}\n`;
  const head = Buffer.alloc(8 + lengthBytes);
  (options.magic ?? Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])).copy(head);
  head[6] = version;
  head[7] = 0;
  const length = options.headerLength ?? text.length;
  if (lengthBytes === 2) head.writeUInt16LE(length, 8);
  else head.writeUInt32LE(length >>> 0, 8);
  return Buffer.concat([head, Buffer.from(text, 'latin1'), data]);
}

const dict = (shape = '(2, 2, 2)', descr = "'<f4'", fortran = 'False', more = '') =>
  `{'descr': ${descr}, 'fortran_order': ${fortran}, 'shape': ${shape}, ${more}}`;

interface Row {
  defect: string;
  index?: string[];
  npy?: () => Buffer;
  safetensors?: () => Uint8Array;
  file: string;
  line?: number;
  field?: string;
  message: RegExp;
  huge?: boolean;
  wholeFile?: boolean;
}

const NPY = 'embeddings.npy';
const ST = 'embeddings.safetensors';
const IDX = 'index.jsonl';
const options = (dtype: string, shape: number[], data: Uint8Array) => rawSafetensors({ options: { dtype, shape, data_offsets: [0, data.length] } }, data);

const ROWS: Row[] = [
  // .npy headers
  {
    defect: 'npy-magic-wrong',
    npy: () => npy(dict(), undefined, { magic: Buffer.from('NUMPY!') }),
    file: NPY,
    field: 'header',
    message: /missing the \.npy magic bytes/,
  },
  { defect: 'npy-text-file', npy: () => Buffer.from('0.0 1.0 2.0\n3.0 4.0 5.0\n'), file: NPY, field: 'header', message: /magic/ },
  { defect: 'npy-empty', npy: () => Buffer.alloc(0), file: NPY, field: 'header', message: /magic/ },
  { defect: 'npy-version-9', npy: () => npy(dict(), undefined, { version: 9 }), file: NPY, field: 'header', message: /unsupported \.npy format version 9/ },
  { defect: 'npy-version-0', npy: () => npy(dict(), undefined, { version: 0 }), file: NPY, field: 'header', message: /unsupported \.npy format version 0/ },
  {
    defect: 'npy-v2-header-length-4gb',
    npy: () => npy(dict(), undefined, { version: 2, headerLength: 0xffffffff }),
    file: NPY,
    field: 'header length',
    message: /header length 4294967295 is over the 65536-byte limit/,
    huge: true,
  },
  {
    defect: 'npy-v2-header-length-60kb-beyond-file',
    npy: () => npy(dict(), undefined, { version: 2, headerLength: 60_000 }),
    file: NPY,
    field: 'header length',
    message: /header claims 60000 bytes but the file is shorter/,
  },
  {
    defect: 'npy-v1-header-length-beyond-file',
    npy: () => npy(dict(), Buffer.alloc(0), { headerLength: 65_000 }),
    file: NPY,
    field: 'header length',
    message: /header claims 65000 bytes/,
  },
  { defect: 'npy-header-cut', npy: () => npy(dict(), undefined, { version: 2 }).subarray(0, 11), file: NPY, field: 'header', message: /header is truncated/ },
  { defect: 'npy-not-a-dict', npy: () => npy("['descr', '<f4']"), file: NPY, field: 'header', message: /is not a dict literal/ },
  {
    defect: 'npy-unknown-key',
    npy: () => npy(dict(undefined, undefined, undefined, "'evil': __import__('os'), ")),
    file: NPY,
    field: 'evil',
    message: /header has key 'evil'/,
  },
  {
    defect: 'npy-missing-descr',
    npy: () => npy("{'fortran_order': False, 'shape': (2, 2, 2), }"),
    file: NPY,
    field: 'descr',
    message: /lacks a string 'descr'/,
  },
  { defect: 'npy-missing-shape', npy: () => npy("{'descr': '<f4', 'fortran_order': False, }"), file: NPY, field: 'shape', message: /lacks a tuple 'shape'/ },
  {
    defect: 'npy-fortran-order-string',
    npy: () => npy(dict(undefined, undefined, "'no'")),
    file: NPY,
    field: 'fortran_order',
    message: /lacks 'fortran_order': True or False/,
  },
  {
    defect: 'npy-shape-negative',
    npy: () => npy(dict('(2, -2, 2)')),
    file: NPY,
    field: 'shape',
    message: /shape \(2, -2, 2\) is not a tuple of at most 8 non-negative integers/,
  },
  { defect: 'npy-shape-expression', npy: () => npy(dict('(2*1, 2, 2)')), file: NPY, field: 'shape', message: /not a tuple/ },
  { defect: 'npy-shape-float', npy: () => npy(dict('(2.0, 2, 2)')), file: NPY, field: 'shape', message: /not a tuple/ },
  { defect: 'npy-shape-rank-9', npy: () => npy(dict('(1, 1, 1, 1, 1, 1, 2, 2, 2)')), file: NPY, field: 'shape', message: /at most 8/ },
  {
    defect: 'npy-shape-huge-1tb',
    npy: () => npy(dict('(68719476736, 2, 2)')),
    file: NPY,
    field: 'shape',
    message: /shape \(68719476736, 2, 2\) of float32 needs 1099511627904/,
    huge: true,
  },
  {
    defect: 'npy-shape-2^50',
    npy: () => npy(dict('(1125899906842624, 2, 2)')),
    file: NPY,
    field: 'shape',
    message: /shape \(1125899906842624, 2, 2\) is not a tuple of at most 8 non-negative integers below 10\^15/,
    huge: true,
  },
  { defect: 'npy-shape-too-many-digits', npy: () => npy(dict('(99999999999999999999, 2, 2)')), file: NPY, field: 'shape', message: /not a tuple/, huge: true },
  {
    defect: 'npy-float64',
    npy: () => npy(dict(undefined, "'<f8'"), Buffer.from(new Float64Array(VALUES).buffer)),
    file: NPY,
    field: 'descr',
    message: /dtype is <f8, expected float32/,
  },
  { defect: 'npy-big-endian', npy: () => npy(dict(undefined, "'>f4'")), file: NPY, field: 'descr', message: /dtype is >f4/ },
  {
    defect: 'npy-object-dtype-pickle',
    npy: () => npy(dict(undefined, "'|O'"), Buffer.from("cos\nsystem\n(S'echo hi'\ntR.")),
    file: NPY,
    field: 'descr',
    message: /dtype is \|O, expected float32/,
  },
  { defect: 'npy-int32', npy: () => npy(dict(undefined, "'<i4'")), file: NPY, field: 'descr', message: /dtype is <i4/ },
  { defect: 'npy-fortran-order', npy: () => npy(dict(undefined, undefined, 'True')), file: NPY, field: 'fortran_order', message: /Fortran order/ },
  {
    defect: 'npy-data-truncated',
    npy: () => npy(dict(), f32(...VALUES).subarray(0, 28)),
    file: NPY,
    field: 'shape',
    message: /file is 156 bytes but shape \(2, 2, 2\) of float32 needs 160/,
  },
  { defect: 'npy-trailing-data', npy: () => npy(dict(), f32(...VALUES, 8)), file: NPY, field: 'shape', message: /file is 164 bytes/ },
  {
    defect: 'npy-infinity',
    npy: () => npy(dict(), f32(0, 1, 2, 3, Number.POSITIVE_INFINITY, 5, 6, 7)),
    file: NPY,
    field: 'row 1',
    message: /row 1 holds Infinity at position 0/,
  },
  { defect: 'npy-nan-first-row', npy: () => npy(dict(), f32(Number.NaN, 1, 2, 3, 4, 5, 6, 7)), file: NPY, field: 'row 0', message: /row 0 holds NaN/ },
  { defect: 'npy-rank-2', npy: () => npy(dict('(2, 4)')), file: NPY, field: 'shape', message: /expected \(numPairs, 2, dim\)/ },
  {
    defect: 'npy-three-options',
    npy: () => npy(dict('(2, 3, 1)'), f32(0, 1, 2, 3, 4, 5)),
    file: NPY,
    field: 'shape',
    message: /embeddings have shape \(2, 3, 1\)/,
  },
  {
    defect: 'npy-v3-invalid-utf8-header',
    npy: () => {
      const b = npy(dict(), undefined, { version: 3 });
      b[14] = 0xff;
      return b;
    },
    file: NPY,
    field: 'header',
    message: /header is not valid UTF-8/,
  },
  // safetensors stores
  {
    defect: 'safetensors-header-1tb',
    safetensors: () => rawSafetensors({}, new Uint8Array(0), { headerLength: 1n << 40n }),
    file: ST,
    field: 'header length',
    message: /over the 100000000-byte limit/,
    huge: true,
  },
  {
    defect: 'safetensors-no-options-tensor',
    safetensors: () => rawSafetensors({ embeddings: { dtype: 'F32', shape: [2, 2, 2], data_offsets: [0, 32] } }, f32(...VALUES)),
    file: ST,
    field: 'options',
    message: /no tensor 'options'/,
  },
  {
    defect: 'safetensors-options-int8',
    safetensors: () => options('I8', [2, 2, 2], new Uint8Array(8)),
    file: ST,
    field: 'options.dtype',
    message: /has dtype I8, expected a float type/,
  },
  {
    defect: 'safetensors-options-rank-2',
    safetensors: () => options('F32', [2, 4], f32(...VALUES)),
    file: ST,
    field: 'shape',
    message: /expected \(numPairs, 2, dim\)/,
  },
  {
    defect: 'safetensors-options-nan',
    safetensors: () => options('F32', [2, 2, 2], f32(0, 1, 2, 3, 4, Number.NaN, 6, 7)),
    file: ST,
    field: 'options[1]',
    message: /pair 1 holds NaN/,
  },
  {
    defect: 'safetensors-options-f16-infinity',
    safetensors: () => options('F16', [1, 2, 1], new Uint8Array([0, 0x3c, 0, 0x7c])),
    index: [entry(0)],
    file: ST,
    field: 'options[0]',
    message: /pair 0 holds Infinity/,
  },
  {
    defect: 'safetensors-dtype-lie',
    safetensors: () => rawSafetensors({ options: { dtype: 'F64', shape: [2, 2, 2], data_offsets: [0, 32] } }, f32(...VALUES)),
    file: ST,
    field: 'options.data_offsets',
    message: /needs 64 bytes/,
  },
  // index.jsonl
  { defect: 'index-missing', index: undefined, npy: () => npy(dict()), file: '', wholeFile: true, message: /no index\.jsonl in the embedding store/ },
  {
    defect: 'index-idx-negative',
    index: [entry(0), entry(-1)],
    npy: () => npy(dict()),
    file: IDX,
    line: 2,
    field: 'idx',
    message: /expected number to be >=0 \(got number -1\)/,
  },
  {
    defect: 'index-idx-fraction',
    index: [entry(0), entry(0.5)],
    npy: () => npy(dict()),
    file: IDX,
    line: 2,
    field: 'idx',
    message: /must be int, got number 0\.5/,
  },
  {
    defect: 'index-idx-string',
    index: [entry(0), JSON.stringify({ idx: '1', split: 'train', choices: { helpful: 0 } })],
    npy: () => npy(dict()),
    file: IDX,
    line: 2,
    field: 'idx',
    message: /must be number, got the string "1"/,
  },
  {
    defect: 'index-idx-out-of-range',
    index: [entry(0), entry(7)],
    npy: () => npy(dict()),
    file: IDX,
    line: 2,
    field: 'idx',
    message: /idx 7 is out of range: .* has 2 pairs/,
  },
  { defect: 'index-idx-huge', index: [entry(0), entry(2 ** 52)], npy: () => npy(dict()), file: IDX, line: 2, field: 'idx', message: /is out of range/ },
  {
    defect: 'index-duplicate-idx',
    index: [entry(1), entry(1)],
    npy: () => npy(dict()),
    file: IDX,
    line: 2,
    field: 'idx',
    message: /duplicate idx 1 \(first on line 1\)/,
  },
  { defect: 'index-fewer-lines-than-rows', index: [entry(0)], npy: () => npy(dict()), file: IDX, line: 1, message: /index has 1 pairs but .* has 2/ },
  {
    defect: 'index-bad-split',
    index: [entry(0, { split: 'dev' }), entry(1)],
    npy: () => npy(dict()),
    file: IDX,
    line: 1,
    field: 'split',
    message: /must be one of "train", "validation", "test", got the string "dev"/,
  },
  {
    defect: 'index-choice-minus-one',
    index: [entry(0), entry(1, { choices: { helpful: -1 } })],
    npy: () => npy(dict()),
    file: IDX,
    line: 2,
    field: 'choices.helpful',
    message: /must be one of 0, 1/,
  },
  {
    defect: 'index-choices-array',
    index: [entry(0), entry(1, { choices: [0, 1] })],
    npy: () => npy(dict()),
    file: IDX,
    line: 2,
    field: 'choices',
    message: /must be record, got an array of 2/,
  },
  { defect: 'index-invalid-json', index: [entry(0), '{"idx": 1, "split": "train",'], npy: () => npy(dict()), file: IDX, line: 2, message: /invalid JSON/ },
  {
    defect: 'index-invalid-utf8',
    index: [entry(0), `{"idx": 1, "split": "train", "choices": {"caf\u00e9": 0}}`],
    npy: () => npy(dict()),
    file: IDX,
    line: 2,
    message: /not valid UTF-8/,
  },
  {
    defect: 'index-inline-options-three',
    index: [
      entry(0, {
        options: [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      }),
    ],
    file: IDX,
    line: 1,
    field: 'options',
    message: /expected array to have <=2 items/,
  },
  {
    defect: 'index-inline-options-strings',
    index: [
      entry(0, {
        options: [
          ['1', '2'],
          ['3', '4'],
        ],
      }),
    ],
    file: IDX,
    line: 1,
    field: 'options.0.0',
    message: /must be number, got the string "1" \(and 3 more problems\)/,
  },
  {
    defect: 'index-inline-missing-on-one-line',
    index: [
      entry(0, {
        options: [
          [1, 2],
          [3, 4],
        ],
      }),
      entry(1),
    ],
    file: IDX,
    line: 2,
    field: 'options',
    message: /is missing \(other lines inline their embeddings\)/,
  },
  {
    defect: 'index-splits-bad-value',
    index: [entry(0), JSON.stringify({ idx: 1, splits: { helpful: 'nope' }, choices: { helpful: 0 } })],
    npy: () => npy(dict()),
    file: IDX,
    line: 2,
    field: 'splits.helpful',
    message: /got the string "nope"/,
  },
];

export const EMBEDDING_STORE_CASES: MalformedInputCase[] = ROWS.map((row) => ({
  id: `embedding-store/${row.defect}`,
  consumer: 'embedding-store',
  file: row.file,
  ...(row.line !== undefined ? { line: row.line } : {}),
  ...(row.field !== undefined ? { field: row.field } : {}),
  message: row.message,
  ...(row.huge ? { claimsHugeAllocation: true } : {}),
  ...(row.wholeFile ? { wholeFile: true } : {}),
  write: async (dir: string) => {
    const index = row.index === undefined && row.defect !== 'index-missing' ? INDEX : row.index;
    if (index) {
      const text = `${index.join('\n')}\n`;
      // The invalid-UTF-8 row writes its é as a lone Latin-1 byte.
      await writeFile(join(dir, IDX), row.defect === 'index-invalid-utf8' ? Buffer.from(text, 'latin1') : text);
    }
    if (row.npy) await writeFile(join(dir, NPY), row.npy());
    if (row.safetensors) await writeFile(join(dir, ST), row.safetensors());
    return dir;
  },
}));
