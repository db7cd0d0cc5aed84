import * as tf from '@tensorflow/tfjs';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SteerableError } from '../errors.js';
import type { RngState } from '../rng.js';
import { writeFileAtomic, writeJsonAtomic } from './atomic-write.js';
import { entryToFloat32, type NamedArray, parseSafetensors, serializeSafetensors } from './safetensors.js';

export const CHECKPOINT_FORMAT = 'steerable-checkpoint';
export const CHECKPOINT_VERSION = 1;

/**
 * On disk: `<dir>/manifest.json` (format, version, model kind and config, step, RNG states,
 * optimizer hyperparameters, free-form extra), `<dir>/weights.safetensors` (parameters and
 * buffers by dotted name) and `<dir>/optimizer.safetensors` (Adam moments by `<param>.exp_avg`).
 */
export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  created_at: string;
  step: number;
  model: { kind: string; config: unknown };
  optimizer: { kind: string; step: number; config: unknown } | null;
  rng: Record<string, RngState>;
  extra: Record<string, unknown>;
}

export interface CheckpointContents {
  manifest: CheckpointManifest;
  weights: Map<string, tf.Tensor>;
  optimizerState: Map<string, tf.Tensor> | null;
}

export interface SaveCheckpointInput {
  step: number;
  model: { kind: string; config: unknown; state: Map<string, tf.Tensor> };
  optimizer?: { kind: string; config: unknown; step: number; state: Map<string, tf.Tensor> } | null;
  rng?: Record<string, RngState>;
  extra?: Record<string, unknown>;
}

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
      throw new SteerableError('unsupported-dtype', `cannot checkpoint tensor '${name}' of dtype ${t.dtype}`);
    }
  }
  return serializeSafetensors(entries);
}

function safetensorsToTensors(bytes: Uint8Array, file: string): Map<string, tf.Tensor> {
  const { tensors } = parseSafetensors(bytes, file);
  const out = new Map<string, tf.Tensor>();
  for (const [name, entry] of tensors) {
    if (entry.dtype === 'I32') {
      out.set(name, tf.tensor(new Int32Array(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength / 4), entry.shape, 'int32'));
    } else {
      out.set(name, tf.tensor(entryToFloat32(entry, name), entry.shape, 'float32'));
    }
  }
  return out;
}

/**
 * Writes a checkpoint directory atomically: everything goes into a temp sibling that is renamed
 * into place only once complete, so an interrupted save never leaves a half-written checkpoint.
 */
export async function saveCheckpoint(dir: string, input: SaveCheckpointInput): Promise<CheckpointManifest> {
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    created_at: new Date().toISOString(),
    step: input.step,
    model: { kind: input.model.kind, config: input.model.config },
    optimizer: input.optimizer ? { kind: input.optimizer.kind, step: input.optimizer.step, config: input.optimizer.config } : null,
    rng: input.rng ?? {},
    extra: input.extra ?? {},
  };
  const tmp = `${dir}.${randomBytes(6).toString('hex')}.tmp`;
  await mkdir(tmp, { recursive: true });
  try {
    await writeFileAtomic(join(tmp, 'weights.safetensors'), await tensorsToSafetensors(input.model.state));
    if (input.optimizer) await writeFileAtomic(join(tmp, 'optimizer.safetensors'), await tensorsToSafetensors(input.optimizer.state));
    await writeJsonAtomic(join(tmp, 'manifest.json'), manifest);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  return manifest;
}

export async function loadCheckpoint(dir: string): Promise<CheckpointContents> {
  const manifestPath = join(dir, 'manifest.json');
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as CheckpointManifest;
  } catch (cause) {
    throw new SteerableError('bad-checkpoint', `cannot read the checkpoint manifest`, { file: manifestPath, cause, hint: 'point at a checkpoint directory written by steerable (it holds manifest.json and weights.safetensors)' });
  }
  if (manifest.format !== CHECKPOINT_FORMAT) {
    throw new SteerableError('bad-checkpoint', `manifest format is '${String(manifest.format)}', expected '${CHECKPOINT_FORMAT}'`, { file: manifestPath, field: 'format' });
  }
  if (manifest.version > CHECKPOINT_VERSION) {
    throw new SteerableError('bad-checkpoint', `checkpoint version ${manifest.version} is newer than this library understands (${CHECKPOINT_VERSION})`, { file: manifestPath, field: 'version', hint: 'upgrade @steerable packages' });
  }
  const weightsPath = join(dir, 'weights.safetensors');
  const weights = safetensorsToTensors(new Uint8Array(await readFile(weightsPath)), weightsPath);
  let optimizerState: Map<string, tf.Tensor> | null = null;
  if (manifest.optimizer) {
    const optimizerPath = join(dir, 'optimizer.safetensors');
    optimizerState = safetensorsToTensors(new Uint8Array(await readFile(optimizerPath)), optimizerPath);
  }
  return { manifest, weights, optimizerState };
}

export function disposeCheckpoint(contents: CheckpointContents): void {
  for (const t of contents.weights.values()) t.dispose();
  if (contents.optimizerState) for (const t of contents.optimizerState.values()) t.dispose();
}

/**
 * A run's `checkpoints/` folder: `step-N/` directories plus `latest.json` naming the newest
 * complete one (a pointer file rather than a symlink, which some filesystems lack).
 */
export class CheckpointDirectory {
  constructor(readonly root: string, readonly keepLast = 3) {}

  stepDir(step: number): string {
    return join(this.root, `step-${step}`);
  }

  async save(input: SaveCheckpointInput): Promise<string> {
    const dir = this.stepDir(input.step);
    await saveCheckpoint(dir, input);
    await writeJsonAtomic(join(this.root, 'latest.json'), { step: input.step, path: `step-${input.step}` });
    await this.prune();
    return dir;
  }

  /** Where the best-on-validation weights live (see `saveBest`). */
  get bestDir(): string {
    return join(this.root, 'best');
  }

  /**
   * Replaces `best/` (atomically, like every checkpoint) with the weights that scored best on
   * validation. It sits beside the `step-N/` folders and is never pruned, so evaluation can pick
   * it while resume keeps using the newest step.
   */
  async saveBest(input: SaveCheckpointInput): Promise<string> {
    await saveCheckpoint(this.bestDir, input);
    return this.bestDir;
  }

  /** The best-on-validation checkpoint directory, or null when training never selected one. */
  async best(): Promise<string | null> {
    try {
      await stat(join(this.bestDir, 'manifest.json'));
      return this.bestDir;
    } catch {
      return null;
    }
  }

  /** The newest complete checkpoint directory, or null when none exists. */
  async latest(): Promise<string | null> {
    try {
      const pointer = JSON.parse(await readFile(join(this.root, 'latest.json'), 'utf8')) as { path: string };
      const dir = join(this.root, pointer.path);
      await stat(join(dir, 'manifest.json'));
      return dir;
    } catch {
      const steps = await this.steps();
      return steps.length > 0 ? this.stepDir(steps[steps.length - 1]!) : null;
    }
  }

  async steps(): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return [];
    }
    return names
      .map((n) => /^step-(\d+)$/.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  private async prune(): Promise<void> {
    if (this.keepLast <= 0) return;
    const steps = await this.steps();
    for (const step of steps.slice(0, Math.max(0, steps.length - this.keepLast))) {
      await rm(this.stepDir(step), { recursive: true, force: true });
    }
  }
}
