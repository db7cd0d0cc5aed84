import type * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SteerableError } from '../errors.js';
import type { RngState } from '../rng.js';
import { writeDirectoryAtomic } from './atomic-directory.js';
import { crashPoint } from './crash-point.js';
import { writeFileAtomic, writeJsonAtomic } from './atomic-write.js';
import {
  asDamaged,
  type CheckpointContents,
  type CheckpointWarning,
  type LoadCheckpointOptions,
  requiredFiles,
  safetensorsToTensors,
  unverifiedWarning,
} from './checkpoint-contents.js';
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
import { readJsonFile } from './read-json-file.js';
import { resolveInside } from './safe-path.js';
import { type NamedArray, parseSafetensorsHeader, readSafetensorsHeaderLength, serializeSafetensors } from './safetensors.js';

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
      throw new SteerableError('unsupported-dtype', `cannot checkpoint tensor '${name}' of dtype ${t.dtype}`, {
        field: name,
        hint: 'checkpoint float32 or int32 tensors',
      });
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

async function readManifest(dir: string): Promise<CheckpointManifest> {
  const file = join(dir, CHECKPOINT_MANIFEST_FILE);
  try {
    const raw = await readJsonFile(file, {
      maxBytes: CHECKPOINT_MANIFEST_MAX_BYTES,
      what: 'checkpoint manifest',
      hint: 'the checkpoint is incomplete or damaged; resume from an earlier one (they are kept beside it)',
    });
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
    throw new SteerableError('damaged-checkpoint', `${name} is missing`, {
      file: path,
      cause,
      hint: 'the checkpoint is incomplete; resume from an earlier one',
    });
  });
  try {
    const size = (await handle.stat()).size;
    if (size !== record.bytes) {
      throw new SteerableError('damaged-checkpoint', `${name} is ${size} bytes but the manifest records ${record.bytes} (truncated or overwritten)`, {
        file: path,
        field: 'bytes',
        hint: 'the checkpoint is damaged; resume from an earlier one',
      });
    }
    const hash = createHash('sha256');
    const bytes = keepBytes ? new Uint8Array(size) : null;
    const chunk = bytes ?? new Uint8Array(Math.min(size, 1 << 22));
    for (let position = 0; position < size; ) {
      const target = bytes ? bytes.subarray(position) : chunk;
      const { bytesRead } = await handle.read(target, 0, Math.min(target.length, size - position), position);
      if (bytesRead === 0)
        throw new SteerableError('damaged-checkpoint', `${name} ended at byte ${position} while being read`, {
          file: path,
          field: 'bytes',
          hint: 'the file changed while being read; retry',
        });
      hash.update(target.subarray(0, bytesRead));
      position += bytesRead;
    }
    const digest = hash.digest('hex');
    if (digest !== record.sha256) {
      throw new SteerableError(
        'damaged-checkpoint',
        `${name} has sha256 ${digest.slice(0, 12)}... but the manifest records ${record.sha256.slice(0, 12)}... (its bytes changed after it was written)`,
        { file: path, field: 'sha256', hint: 'the checkpoint is damaged; resume from an earlier one' },
      );
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
    throw new SteerableError('damaged-checkpoint', 'a checkpoint file is missing or unreadable', {
      file: path,
      cause,
      hint: 'the checkpoint is incomplete; resume from an earlier one',
    });
  }
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
  if (manifest.version < 2) emit(options, unverifiedWarning(dir, join(dir, CHECKPOINT_MANIFEST_FILE)));
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
    const warning = unverifiedWarning(dir, join(dir, CHECKPOINT_MANIFEST_FILE));
    warnings.push(warning);
    emit(options, warning);
  }
  return { manifest, weights, optimizerState, warnings };
}

function emit(options: LoadCheckpointOptions, warning: CheckpointWarning): void {
  options.onWarning?.(warning);
}
