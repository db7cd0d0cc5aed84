import * as tf from '@tensorflow/tfjs';
import { formatLocation, SteerableError } from '../errors.js';
import { CHECKPOINT_OPTIMIZER_FILE, CHECKPOINT_WEIGHTS_FILE, type CheckpointManifest } from './checkpoint-manifest.js';
import { firstNonFinite } from './finite-values.js';
import { entryToFloat32, parseSafetensorsHeader, readSafetensorsHeaderLength } from './safetensors.js';

// What every checkpoint reader shares, whatever holds the files (a directory in Node, fetched or
// in-memory bytes in a browser): the loaded contents, warnings, damage labelling and the
// conversion of safetensors bytes into tensors.

export interface CheckpointContents {
  manifest: CheckpointManifest;
  weights: Map<string, tf.Tensor>;
  optimizerState: Map<string, tf.Tensor> | null;
  /** Problems that did not stop the load (a version 1 checkpoint has no checksums to verify). */
  warnings: CheckpointWarning[];
}

/**
 * Something a checkpoint reader noticed and worked around. Libraries do not print: these are
 * returned and passed to `onWarning`, for the app to show.
 */
export interface CheckpointWarning {
  /**
   * damaged-checkpoint: skipped for an earlier one; unverified-checkpoint: version 1, loaded without
   * checksums; stale-temporary: a leftover of an interrupted write, deleted.
   */
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

/** Errors of a checkpoint that mean "damaged: use an earlier one"; anything else (a newer version) is not worked around. */
export function isDamagedCheckpointError(error: unknown): error is SteerableError {
  return error instanceof SteerableError && error.code === 'damaged-checkpoint';
}

/** Re-labels a problem found inside a checkpoint as `damaged-checkpoint`, keeping its location. */
export function asDamaged(error: unknown, fallbackFile: string): unknown {
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

/** The tensors of a safetensors file held in memory, validated, with float weights required to be finite. */
export function safetensorsToTensors(bytes: Uint8Array, file: string): Map<string, tf.Tensor> {
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
        throw new SteerableError('damaged-checkpoint', `tensor '${name}' holds ${values[bad]} at flat index ${bad}`, {
          file,
          field: name,
          hint: 'training had diverged when this checkpoint was written; resume from an earlier one',
        });
      }
      out.set(name, tf.tensor(values, shape, 'float32'));
    }
  } catch (error) {
    for (const t of out.values()) t.dispose();
    throw error;
  }
  return out;
}

export function requiredFiles(manifest: CheckpointManifest): string[] {
  return [CHECKPOINT_WEIGHTS_FILE, ...(manifest.optimizer ? [CHECKPOINT_OPTIMIZER_FILE] : [])];
}

/** The warning for a version 1 checkpoint, which has no checksums: `manifestFile` names where it was read from. */
export function unverifiedWarning(checkpoint: string, manifestFile: string): CheckpointWarning {
  return {
    code: 'unverified-checkpoint',
    message: `${checkpoint} is a version 1 checkpoint, which records no checksums: its files were checked for structure only`,
    checkpoint,
    file: manifestFile,
  };
}

export function disposeCheckpoint(contents: CheckpointContents): void {
  for (const t of contents.weights.values()) t.dispose();
  if (contents.optimizerState) for (const t of contents.optimizerState.values()) t.dispose();
}
