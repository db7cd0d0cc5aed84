import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveCheckpoint, sha256Hex } from '../../src/index.js';
import { type MalformedInputCase, rawSafetensors } from '../../src/testing/index.js';

const STEP = 'step-1';
const MANIFEST = `${STEP}/manifest.json`;
const WEIGHTS = `${STEP}/weights.safetensors`;
const OPTIMIZER = `${STEP}/optimizer.safetensors`;
type Json = Record<string, any>;

/** A small valid checkpoint (weights and Adam moments) to damage. */
async function writeCheckpoint(dir: string): Promise<string> {
  const state = new Map<string, tf.Tensor>([
    [
      'layer.weight',
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
    ],
    ['layer.bias', tf.tensor1d([0.5, -0.5])],
  ]);
  const moments = new Map([
    ['layer.weight.exp_avg', tf.zeros([2, 2])],
    ['layer.weight.exp_avg_sq', tf.ones([2, 2])],
  ]);
  try {
    await saveCheckpoint(join(dir, STEP), {
      step: 1,
      model: { kind: 'toy', config: { width: 2 }, state },
      optimizer: { kind: 'adam', config: { lr: 0.1 }, step: 1, state: moments },
      rng: { data: [1, 2, 3, 4] },
    });
  } finally {
    tf.dispose([...state.values(), ...moments.values()]);
  }
  return join(dir, STEP);
}

async function editManifest(dir: string, edit: (manifest: Json) => void): Promise<void> {
  const file = join(dir, MANIFEST);
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Json;
  edit(manifest);
  await writeFile(file, JSON.stringify(manifest, null, 2));
}

/** Replaces a file and records its new size and checksum, so the damage is found by the deeper checks, not the checksum. */
async function replaceRecorded(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  await writeFile(join(dir, STEP, name), bytes);
  await editManifest(dir, (m) => void (m.files[name] = { bytes: bytes.length, sha256: sha256Hex(bytes) }));
}

const f32 = (...values: number[]) => new Uint8Array(new Float32Array(values).buffer);
const weightsWith = (values: number[]) =>
  rawSafetensors(
    { 'layer.bias': { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, 'layer.weight': { dtype: 'F32', shape: [2, 2], data_offsets: [8, 24] } },
    f32(...values),
  );

interface Row {
  defect: string;
  damage: (dir: string) => Promise<void>;
  file: string;
  field?: string;
  line?: number;
  message: RegExp;
  huge?: boolean;
  wholeFile?: boolean;
}

const manifestRow = (defect: string, edit: (m: Json) => void, field: string, message: RegExp): Row => ({
  defect,
  damage: (dir) => editManifest(dir, edit),
  file: MANIFEST,
  field,
  message,
});

const ROWS: Row[] = [
  // manifest.json as a file
  {
    defect: 'manifest-missing',
    damage: (dir) => rm(join(dir, MANIFEST)),
    file: MANIFEST,
    wholeFile: true,
    message: /cannot read the checkpoint manifest: it does not exist/,
  },
  { defect: 'manifest-empty', damage: (dir) => writeFile(join(dir, MANIFEST), ''), file: MANIFEST, line: 1, message: /checkpoint manifest is empty/ },
  {
    defect: 'manifest-cut-in-half',
    damage: async (dir) => {
      const t = await readFile(join(dir, MANIFEST), 'utf8');
      await writeFile(join(dir, MANIFEST), t.slice(0, t.length >> 1));
    },
    file: MANIFEST,
    message: /not valid JSON \(Unexpected end of JSON input\)/,
  },
  {
    defect: 'manifest-syntax-error-line-3',
    damage: (dir) => writeFile(join(dir, MANIFEST), '{\n  "format": "steerable-checkpoint",\n  "version" 2\n}'),
    file: MANIFEST,
    line: 3,
    message: /not valid JSON/,
  },
  {
    defect: 'manifest-invalid-utf8',
    damage: (dir) =>
      writeFile(
        join(dir, MANIFEST),
        Buffer.concat([Buffer.from('{\n"format": "steerable-checkpoint",\n"created_at": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      ),
    file: MANIFEST,
    line: 3,
    message: /not valid UTF-8 \(byte 51\)/,
  },
  {
    defect: 'manifest-oversized-sparse-20mb',
    damage: (dir) => truncate(join(dir, MANIFEST), 20 * 1024 * 1024),
    file: MANIFEST,
    wholeFile: true,
    message: /is 20971520 bytes, over the 16777216-byte limit/,
    huge: true,
  },
  { defect: 'manifest-is-array', damage: (dir) => writeFile(join(dir, MANIFEST), '[1, 2]'), file: MANIFEST, line: 1, message: /not a JSON object/ },
  manifestRow('format-wrong', (m) => void (m.format = 'pytorch'), 'format', /manifest format is "pytorch"/),
  manifestRow('format-missing', (m) => void delete m.format, 'format', /manifest format is undefined/),
  manifestRow('version-zero', (m) => void (m.version = 0), 'version', /checkpoint manifest: Too small/i),
  manifestRow('version-string', (m) => void (m.version = '2'), 'version', /expected number/i),
  manifestRow('step-negative', (m) => void (m.step = -3), 'step', /Too small/i),
  manifestRow('step-fraction', (m) => void (m.step = 1.5), 'step', /expected int/i),
  manifestRow('step-missing', (m) => void delete m.step, 'step', /is missing/),
  manifestRow('unknown-top-level-key', (m) => void (m.exec = 'rm -rf /'), 'exec', /unknown key 'exec'/),
  manifestRow('model-kind-missing', (m) => void delete m.model.kind, 'model.kind', /is missing/),
  manifestRow('model-not-object', (m) => void (m.model = 'toy'), 'model', /expected object/i),
  manifestRow('optimizer-step-negative', (m) => void (m.optimizer.step = -1), 'optimizer.step', /Too small/i),
  manifestRow('rng-state-three-words', (m) => void (m.rng.data = [1, 2, 3]), 'rng.data', /Too small|expected array to have 4/i),
  manifestRow('rng-state-over-uint32', (m) => void (m.rng.data = [1, 2, 3, 2 ** 32]), 'rng.data.3', /Too big/i),
  manifestRow('extra-not-object', (m) => void (m.extra = [1]), 'extra', /expected record/i),
  manifestRow('files-missing-weights', (m) => void delete m.files['weights.safetensors'], 'files.weights.safetensors', /must list weights\.safetensors/),
  manifestRow(
    'files-missing-optimizer',
    (m) => void delete m.files['optimizer.safetensors'],
    'files.optimizer.safetensors',
    /must list optimizer\.safetensors/,
  ),
  manifestRow('files-sha256-not-hex', (m) => void (m.files['weights.safetensors'].sha256 = 'xyz'), 'files.weights.safetensors.sha256', /Invalid string/i),
  manifestRow('files-bytes-negative', (m) => void (m.files['weights.safetensors'].bytes = -1), 'files.weights.safetensors.bytes', /Too small/i),
  manifestRow(
    'files-record-unknown-key',
    (m) => void (m.files['weights.safetensors'].path = '/etc/passwd'),
    'files.weights.safetensors.path',
    /unknown key 'path'/,
  ),
  manifestRow(
    'path-traversal-dotdot',
    (m) => void (m.files['../../secret'] = m.files['weights.safetensors']),
    'files.../../secret',
    /not a plain file name inside the checkpoint/,
  ),
  manifestRow('path-absolute', (m) => void (m.files['/etc/passwd'] = m.files['weights.safetensors']), 'files./etc/passwd', /not a plain file name/),
  manifestRow(
    'path-subdirectory',
    (m) => void (m.files['sub/weights.safetensors'] = m.files['weights.safetensors']),
    'files.sub/weights.safetensors',
    /not a plain file name/,
  ),
  manifestRow('path-dotdot-alone', (m) => void (m.files['..'] = m.files['weights.safetensors']), 'files...', /not a plain file name/),
  manifestRow('path-backslash', (m) => void (m.files['..\\..\\secret'] = m.files['weights.safetensors']), 'files...\\..\\secret', /not a plain file name/),
  {
    defect: 'version-1-file-record-wrong',
    damage: (dir) =>
      editManifest(dir, (m) => {
        m.version = 1;
        m.files['weights.safetensors'].bytes = 1;
      }),
    file: WEIGHTS,
    field: 'bytes',
    message: /manifest records 1 /,
  },
  // The files it lists
  { defect: 'weights-missing', damage: (dir) => rm(join(dir, WEIGHTS)), file: WEIGHTS, wholeFile: true, message: /weights\.safetensors is missing/ },
  {
    defect: 'weights-truncated',
    damage: (dir) => truncate(join(dir, WEIGHTS), 20),
    file: WEIGHTS,
    field: 'bytes',
    message: /is 20 bytes but the manifest records \d+ \(truncated/,
  },
  {
    defect: 'weights-empty',
    damage: (dir) => writeFile(join(dir, WEIGHTS), ''),
    file: WEIGHTS,
    field: 'bytes',
    message: /is 0 bytes but the manifest records/,
  },
  {
    defect: 'weights-one-byte-flipped',
    damage: async (dir) => {
      const b = await readFile(join(dir, WEIGHTS));
      b[b.length - 2]! ^= 0x10;
      await writeFile(join(dir, WEIGHTS), b);
    },
    file: WEIGHTS,
    field: 'sha256',
    message: /has sha256 [0-9a-f]{12}\.\.\. but the manifest records/,
  },
  {
    defect: 'weights-extended',
    damage: async (dir) => writeFile(join(dir, WEIGHTS), Buffer.concat([await readFile(join(dir, WEIGHTS)), Buffer.from([0])])),
    file: WEIGHTS,
    field: 'bytes',
    message: /but the manifest records/,
  },
  {
    defect: 'weights-swapped-with-optimizer',
    damage: async (dir) => writeFile(join(dir, WEIGHTS), await readFile(join(dir, OPTIMIZER))),
    file: WEIGHTS,
    field: 'bytes',
    message: /but the manifest records/,
  },
  {
    defect: 'weights-symlink-outside',
    damage: async (dir) => {
      await mkdir(join(dir, 'elsewhere'));
      await writeFile(join(dir, 'elsewhere/w'), await readFile(join(dir, WEIGHTS)));
      await rm(join(dir, WEIGHTS));
      await symlink(join(dir, 'elsewhere/w'), join(dir, WEIGHTS));
    },
    file: MANIFEST,
    field: 'files.weights.safetensors',
    message: /leads outside .*through a symlink/,
  },
  {
    defect: 'weights-nan-recorded',
    damage: (dir) => replaceRecorded(dir, 'weights.safetensors', weightsWith([0.5, -0.5, 1, Number.NaN, 3, 4])),
    file: WEIGHTS,
    field: 'layer.weight',
    message: /tensor 'layer\.weight' holds NaN at flat index 1/,
  },
  {
    defect: 'weights-infinity-recorded',
    damage: (dir) => replaceRecorded(dir, 'weights.safetensors', weightsWith([Number.POSITIVE_INFINITY, -0.5, 1, 2, 3, 4])),
    file: WEIGHTS,
    field: 'layer.bias',
    message: /holds Infinity at flat index 0/,
  },
  {
    defect: 'weights-header-1tb-recorded',
    damage: (dir) => replaceRecorded(dir, 'weights.safetensors', rawSafetensors({}, new Uint8Array(0), { headerLength: 1n << 40n })),
    file: WEIGHTS,
    field: 'header length',
    message: /header length 1099511627776 is over/,
    huge: true,
  },
  {
    defect: 'weights-dtype-lie-recorded',
    damage: (dir) => replaceRecorded(dir, 'weights.safetensors', rawSafetensors({ w: { dtype: 'F64', shape: [3], data_offsets: [0, 12] } }, f32(1, 2, 3))),
    file: WEIGHTS,
    field: 'w.data_offsets',
    message: /of F64 needs 24 bytes/,
  },
  {
    defect: 'weights-u8-dtype-recorded',
    damage: (dir) => replaceRecorded(dir, 'weights.safetensors', rawSafetensors({ w: { dtype: 'U8', shape: [4], data_offsets: [0, 4] } }, new Uint8Array(4))),
    file: WEIGHTS,
    field: 'w.dtype',
    message: /has dtype U8, expected a float type/,
  },
  {
    defect: 'optimizer-nan-moments-recorded',
    damage: (dir) =>
      replaceRecorded(
        dir,
        'optimizer.safetensors',
        rawSafetensors({ 'layer.weight.exp_avg': { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(0, Number.NaN)),
      ),
    file: OPTIMIZER,
    field: 'layer.weight.exp_avg',
    message: /holds NaN/,
  },
  { defect: 'optimizer-missing', damage: (dir) => rm(join(dir, OPTIMIZER)), file: OPTIMIZER, wholeFile: true, message: /optimizer\.safetensors is missing/ },
  {
    defect: 'optimizer-truncated',
    damage: (dir) => truncate(join(dir, OPTIMIZER), 9),
    file: OPTIMIZER,
    field: 'bytes',
    message: /is 9 bytes but the manifest records/,
  },
];

export const CHECKPOINT_CASES: MalformedInputCase[] = ROWS.map((row) => ({
  id: `checkpoint/${row.defect}`,
  consumer: 'checkpoint',
  file: row.file,
  ...(row.field !== undefined ? { field: row.field } : {}),
  ...(row.line !== undefined ? { line: row.line } : {}),
  message: row.message,
  ...(row.huge ? { claimsHugeAllocation: true } : {}),
  ...(row.wholeFile ? { wholeFile: true } : {}),
  write: async (dir: string) => {
    const path = await writeCheckpoint(dir);
    await row.damage(dir);
    return path;
  },
}));
