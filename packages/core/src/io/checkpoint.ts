import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatLocation, SteerableError } from '../errors.js';
import type { RngState } from '../rng.js';
import { writeDirectoryAtomic } from './atomic-directory.js';
import { crashPoint } from './crash-point.js';
import { writeFileAtomic, writeJsonAtomic } from './atomic-write.js';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_MANIFEST_FILE,
  CHECKPOINT_MANIFEST_MAX_BYTES,
  CHECKPOINT_OPTIMIZER_FILE,
  CHECKPOINT_VERSION,
  CHECKPOINT_WEIGHTS_FILE,
  type CheckpointFileRecord,
  type CheckpointManifest,
  validateCheckpointManifest,
} from './checkpoint-manifest.js';
import { firstNonFinite } from './finite-values.js';
import { readJsonFile } from './read-json-file.js';
import { resolveInside } from './safe-path.js';
import { entryToFloat32, type NamedArray, parseSafetensorsHeader, readSafetensorsHeaderLength, serializeSafetensors } from './safetensors.js';

export interface CheckpointContents {
  manifest: CheckpointManifest;
  weights: Map<string, tf.Tensor>;
  optimizerState: Map<string, tf.Tensor> | null;
  /** Problems that did not stop the load (a version 1 checkpoint has no checksums to verify). */
  warnings: CheckpointWarning[];
}

export interface SaveCheckpointInput {
  step: number;
  model: { kind: string; config: unknown; state: Map<string, tf.Tensor> };
  optimizer?: { kind: string; config: unknown; step: number; state: Map<string, tf.Tensor> } | null;
  rng?: Record<string, RngState>;
  extra?: Record<string, unknown>;
}

export interface SaveCheckpointOptions {
  /** Keep the checkpoint being replaced at this path instead of deleting it (see `writeDirectoryAtomic`). */
  keepPreviousAs?: string;
}

/**
 * Something a checkpoint reader noticed and worked around. Libraries do not print: these are
 * returned and passed to `onWarning`, for the app to show.
 */
export interface CheckpointWarning {
  /** damaged-checkpoint: skipped for an earlier one; unverified-checkpoint: version 1, loaded without checksums; stale-temporary: a leftover of an interrupted write, deleted. */
  code: 'damaged-checkpoint' | 'unverified-checkpoint' | 'stale-temporary';
  message: string;
  /** The checkpoint directory concerned. */
  checkpoint: string;
  /** The damaged (or leftover) file or directory. */
  file: string;
  field?: string;
  error?: SteerableError;
}

export interface LoadCheckpointOptions {
  onWarning?: (warning: CheckpointWarning) => void;
}

/** What `saveCheckpoint` writes, as bytes, so the manifest can carry their sizes and checksums. */
async function tensorsToSafetensors(tensors: Map<string, tf.Tensor>): Promise<Uint8Array> {
  const entries = new Map<string, NamedArray>();
  for (const [name, t] of tensors) {
    const values = await t.data();
    if (t.dtype === 'int32') {
      const arr = values as Int32Array;
      entries.set(name, { dtype: 'I32', shape: [...t.shape], data: new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength) });
    } else if (t.dtype === 'float32') {
      const arr = values as Float32Array;
      entries.set(name, { dtype: 'F32', shape: [...t.shape], data: new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength) });
    } else {
      throw new SteerableError('unsupported-dtype', `cannot checkpoint tensor '${name}' of dtype ${t.dtype}`, { field: name, hint: 'checkpoint float32 or int32 tensors' });
    }
  }
  return serializeSafetensors(entries);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function fileRecord(bytes: Uint8Array): CheckpointFileRecord {
  return { bytes: bytes.byteLength, sha256: sha256Hex(bytes) };
}

/**
 * Writes a checkpoint directory atomically: each file is written to a temp file, fsynced and
 * renamed (then its directory fsynced) inside a hidden temp directory, which is renamed into
 * place only once complete (then the parent fsynced). The manifest, written last, lists every
 * file's size and SHA-256, so a reader can tell a damaged checkpoint from a good one.
 */
export async function saveCheckpoint(dir: string, input: SaveCheckpointInput, options: SaveCheckpointOptions = {}): Promise<CheckpointManifest> {
  const weights = await tensorsToSafetensors(input.model.state);
  const optimizer = input.optimizer ? await tensorsToSafetensors(input.optimizer.state) : null;
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    created_at: new Date().toISOString(),
    step: input.step,
    model: { kind: input.model.kind, config: input.model.config },
    optimizer: input.optimizer ? { kind: input.optimizer.kind, step: input.optimizer.step, config: input.optimizer.config } : null,
    rng: input.rng ?? {},
    extra: input.extra ?? {},
    files: { [CHECKPOINT_WEIGHTS_FILE]: fileRecord(weights), ...(optimizer ? { [CHECKPOINT_OPTIMIZER_FILE]: fileRecord(optimizer) } : {}) },
  };
  await writeDirectoryAtomic(
    dir,
    async (tmp) => {
      await writeFileAtomic(join(tmp, CHECKPOINT_WEIGHTS_FILE), weights);
      // Crash tests kill the process here: half a checkpoint written, not yet renamed into place.
      crashPoint('checkpoint-write');
      if (optimizer) await writeFileAtomic(join(tmp, CHECKPOINT_OPTIMIZER_FILE), optimizer);
      await writeJsonAtomic(join(tmp, CHECKPOINT_MANIFEST_FILE), manifest);
    },
    options.keepPreviousAs !== undefined ? { keepPreviousAs: options.keepPreviousAs } : {},
  );
  return manifest;
}

/** Errors of a checkpoint that mean "damaged: use an earlier one"; anything else (a newer version) is not worked around. */
export function isDamagedCheckpointError(error: unknown): error is SteerableError {
  return error instanceof SteerableError && error.code === 'damaged-checkpoint';
}

/** Re-labels a problem found inside a checkpoint as `damaged-checkpoint`, keeping its location. */
function asDamaged(error: unknown, fallbackFile: string): unknown {
  if (!(error instanceof SteerableError) || error.code === 'damaged-checkpoint' || error.code === 'unsupported-checkpoint') return error;
  const where = formatLocation(error);
  const first = error.message.split('\n')[0]!;
  const problem = where && first.startsWith(`${where}: `) ? first.slice(where.length + 2) : first;
  return new SteerableError('damaged-checkpoint', problem, {
    file: error.file ?? fallbackFile,
    ...(error.line !== undefined ? { line: error.line } : {}),
    ...(error.field !== undefined ? { field: error.field } : {}),
    hint: error.hint ?? 'resume from an earlier checkpoint (they are kept beside it)',
    cause: error,
  });
}

async function readManifest(dir: string): Promise<CheckpointManifest> {
  const file = join(dir, CHECKPOINT_MANIFEST_FILE);
  try {
    const raw = await readJsonFile(file, { maxBytes: CHECKPOINT_MANIFEST_MAX_BYTES, what: 'checkpoint manifest', hint: 'the checkpoint is incomplete or damaged; resume from an earlier one (they are kept beside it)' });
    return validateCheckpointManifest(raw, file);
  } catch (error) {
    throw asDamaged(error, file);
  }
}

interface CheckedFile {
  path: string;
  /** The file's bytes when they were read whole (load), else null (verify streams them). */
  bytes: Uint8Array | null;
}

/**
 * Locates a file the manifest lists (inside the directory only), checks its size before reading
 * anything, then its SHA-256.
 */
async function checkFile(dir: string, manifest: CheckpointManifest, name: string, keepBytes: boolean): Promise<CheckedFile> {
  const manifestFile = join(dir, CHECKPOINT_MANIFEST_FILE);
  const record = manifest.files?.[name];
  const path = await resolveInside(dir, name, { file: manifestFile, field: `files.${name}` });
  if (!record) return { path, bytes: keepBytes ? await readWhole(path) : null };
  const handle = await open(path, 'r').catch((cause: unknown) => {
    throw new SteerableError('damaged-checkpoint', `${name} is missing`, { file: path, cause, hint: 'the checkpoint is incomplete; resume from an earlier one' });
  });
  try {
    const size = (await handle.stat()).size;
    if (size !== record.bytes) {
      throw new SteerableError('damaged-checkpoint', `${name} is ${size} bytes but the manifest records ${record.bytes} (truncated or overwritten)`, { file: path, field: 'bytes', hint: 'the checkpoint is damaged; resume from an earlier one' });
    }
    const hash = createHash('sha256');
    const bytes = keepBytes ? new Uint8Array(size) : null;
    const chunk = bytes ?? new Uint8Array(Math.min(size, 1 << 22));
    for (let position = 0; position < size; ) {
      const target = bytes ? bytes.subarray(position) : chunk;
      const { bytesRead } = await handle.read(target, 0, Math.min(target.length, size - position), position);
      if (bytesRead === 0) throw new SteerableError('damaged-checkpoint', `${name} ended at byte ${position} while being read`, { file: path, field: 'bytes', hint: 'the file changed while being read; retry' });
      hash.update(target.subarray(0, bytesRead));
      position += bytesRead;
    }
    const digest = hash.digest('hex');
    if (digest !== record.sha256) {
      throw new SteerableError('damaged-checkpoint', `${name} has sha256 ${digest.slice(0, 12)}... but the manifest records ${record.sha256.slice(0, 12)}... (its bytes changed after it was written)`, { file: path, field: 'sha256', hint: 'the checkpoint is damaged; resume from an earlier one' });
    }
    return { path, bytes };
  } finally {
    await handle.close();
  }
}

async function readWhole(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new SteerableError('damaged-checkpoint', 'a checkpoint file is missing or unreadable', { file: path, cause, hint: 'the checkpoint is incomplete; resume from an earlier one' });
  }
}

/** The tensors of a safetensors file held in memory, validated, with float weights required to be finite. */
function safetensorsToTensors(bytes: Uint8Array, file: string): Map<string, tf.Tensor> {
  const headerLength = readSafetensorsHeaderLength(bytes.subarray(0, 8), bytes.byteLength, file);
  const header = parseSafetensorsHeader(bytes.subarray(8, 8 + headerLength), bytes.byteLength, file);
  const out = new Map<string, tf.Tensor>();
  try {
    for (const [name, { dtype, shape, begin, end }] of header.entries) {
      // Views, not copies: the conversion below makes the one copy the tensor keeps.
      const entry = { dtype, shape, data: bytes.subarray(header.dataStart + begin, header.dataStart + end) };
      if (dtype === 'I32') {
        out.set(name, tf.tensor(new Int32Array(entry.data.slice().buffer), shape, 'int32'));
        continue;
      }
      const values = entryToFloat32(entry, name, file);
      const bad = firstNonFinite(values);
      if (bad !== -1) {
        throw new SteerableError('damaged-checkpoint', `tensor '${name}' holds ${values[bad]} at flat index ${bad}`, { file, field: name, hint: 'training had diverged when this checkpoint was written; resume from an earlier one' });
      }
      out.set(name, tf.tensor(values, shape, 'float32'));
    }
  } catch (error) {
    for (const t of out.values()) t.dispose();
    throw error;
  }
  return out;
}

/**
 * Checks a checkpoint without building tensors: the manifest's schema, then every listed file's
 * size and SHA-256 (streamed). A version 1 checkpoint has no checksums: its safetensors headers
 * are validated instead, and a warning says it was not verified. Throws `damaged-checkpoint`
 * naming the file (and field) at fault.
 */
export async function verifyCheckpoint(dir: string, options: LoadCheckpointOptions = {}): Promise<CheckpointManifest> {
  const manifest = await readManifest(dir);
  try {
    for (const name of requiredFiles(manifest)) {
      const { path, bytes } = await checkFile(dir, manifest, name, manifest.version < 2);
      if (bytes) {
        const headerLength = readSafetensorsHeaderLength(bytes.subarray(0, 8), bytes.byteLength, path);
        parseSafetensorsHeader(bytes.subarray(8, 8 + headerLength), bytes.byteLength, path);
      }
    }
  } catch (error) {
    throw asDamaged(error, join(dir, CHECKPOINT_MANIFEST_FILE));
  }
  if (manifest.version < 2) emit(options, unverified(dir));
  return manifest;
}

/**
 * Loads a checkpoint, verifying it first (sizes and SHA-256 for version 2; structure for
 * version 1, with a warning) and refusing non-finite weights or moments. A damaged checkpoint
 * throws a SteerableError with code `damaged-checkpoint` naming the file; see
 * `CheckpointDirectory.loadLatest` for falling back to the previous one.
 */
export async function loadCheckpoint(dir: string, options: LoadCheckpointOptions = {}): Promise<CheckpointContents> {
  const manifest = await readManifest(dir);
  const warnings: CheckpointWarning[] = [];
  let weights: Map<string, tf.Tensor> | null = null;
  let optimizerState: Map<string, tf.Tensor> | null = null;
  try {
    const weightsFile = await checkFile(dir, manifest, CHECKPOINT_WEIGHTS_FILE, true);
    weights = safetensorsToTensors(weightsFile.bytes!, weightsFile.path);
    if (manifest.optimizer) {
      const optimizerFile = await checkFile(dir, manifest, CHECKPOINT_OPTIMIZER_FILE, true);
      optimizerState = safetensorsToTensors(optimizerFile.bytes!, optimizerFile.path);
    }
  } catch (error) {
    if (weights) for (const t of weights.values()) t.dispose();
    throw asDamaged(error, join(dir, CHECKPOINT_MANIFEST_FILE));
  }
  if (manifest.version < 2) {
    const warning = unverified(dir);
    warnings.push(warning);
    emit(options, warning);
  }
  return { manifest, weights, optimizerState, warnings };
}

function requiredFiles(manifest: CheckpointManifest): string[] {
  return [CHECKPOINT_WEIGHTS_FILE, ...(manifest.optimizer ? [CHECKPOINT_OPTIMIZER_FILE] : [])];
}

function unverified(dir: string): CheckpointWarning {
  return {
    code: 'unverified-checkpoint',
    message: `${dir} is a version 1 checkpoint, which records no checksums: its files were checked for structure only`,
    checkpoint: dir,
    file: join(dir, CHECKPOINT_MANIFEST_FILE),
  };
}

function emit(options: LoadCheckpointOptions, warning: CheckpointWarning): void {
  options.onWarning?.(warning);
}

export function disposeCheckpoint(contents: CheckpointContents): void {
  for (const t of contents.weights.values()) t.dispose();
  if (contents.optimizerState) for (const t of contents.optimizerState.values()) t.dispose();
}
