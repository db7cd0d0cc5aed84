import { z } from 'zod';
import { configError } from '../config/parse-config.js';
import { SteerableError } from '../errors.js';
import type { RngState } from '../rng.js';

export const CHECKPOINT_FORMAT = 'steerable-checkpoint';
/** 2: the manifest lists every file with its byte size and sha256. 1 (still read): no checksums. */
export const CHECKPOINT_VERSION = 2;
export const CHECKPOINT_MANIFEST_FILE = 'manifest.json';
export const CHECKPOINT_WEIGHTS_FILE = 'weights.safetensors';
export const CHECKPOINT_OPTIMIZER_FILE = 'optimizer.safetensors';
/** A manifest holds configs and small extras; anything larger is not one. */
export const CHECKPOINT_MANIFEST_MAX_BYTES = 16 * 1024 * 1024;

export interface CheckpointFileRecord {
  bytes: number;
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: string;
}

/**
 * On disk: `<dir>/manifest.json` (format, version, model kind and config, step, RNG states,
 * optimizer hyperparameters, free-form extra, and from version 2 the size and SHA-256 of every
 * other file), `<dir>/weights.safetensors` (parameters and buffers by dotted name) and
 * `<dir>/optimizer.safetensors` (Adam moments by `<param>.exp_avg`).
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
  /** Every file of the checkpoint but the manifest (absent in version 1). */
  files?: Record<string, CheckpointFileRecord>;
}

const uint32 = z.number().int().min(0).max(0xffffffff);
const nonNegativeInt = z.number().int().nonnegative();

const manifestSchema = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.number().int().min(1).max(CHECKPOINT_VERSION),
  created_at: z.string(),
  step: nonNegativeInt,
  model: z.strictObject({ kind: z.string().min(1), config: z.unknown() }),
  optimizer: z.strictObject({ kind: z.string().min(1), step: nonNegativeInt, config: z.unknown() }).nullable(),
  rng: z.record(z.string(), z.tuple([uint32, uint32, uint32, uint32])),
  extra: z.record(z.string(), z.unknown()),
  files: z.record(z.string(), z.strictObject({ bytes: nonNegativeInt, sha256: z.string().regex(/^[0-9a-f]{64}$/) })).optional(),
});

const REWRITE_HINT = 'the checkpoint is damaged or was edited; resume from an earlier checkpoint (they are kept beside it)';

/**
 * Validates a parsed manifest. A newer version is refused with code `unsupported-checkpoint`
 * (upgrade, do not fall back); anything else wrong is `damaged-checkpoint`, naming the field.
 */
export function validateCheckpointManifest(raw: unknown, file: string): CheckpointManifest {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SteerableError('damaged-checkpoint', 'the checkpoint manifest is not a JSON object', { file, line: 1, hint: REWRITE_HINT });
  }
  const { format, version } = raw as Record<string, unknown>;
  if (format !== CHECKPOINT_FORMAT) {
    throw new SteerableError('damaged-checkpoint', `manifest format is ${JSON.stringify(format)}, expected '${CHECKPOINT_FORMAT}'`, {
      file,
      field: 'format',
      hint: 'point at a checkpoint directory written by steerable (it holds manifest.json and weights.safetensors)',
    });
  }
  if (typeof version === 'number' && Number.isInteger(version) && version > CHECKPOINT_VERSION) {
    throw new SteerableError('unsupported-checkpoint', `checkpoint version ${version} is newer than this library understands (${CHECKPOINT_VERSION})`, {
      file,
      field: 'version',
      hint: 'upgrade the @steerable packages',
    });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const error = configError(manifestSchema, raw, parsed.error);
    const problem = error.message.split('\n')[0]!.replace(/^field '[^']*': /, '');
    throw new SteerableError('damaged-checkpoint', `checkpoint manifest: ${problem}`, {
      file,
      ...(error.field !== undefined ? { field: error.field } : {}),
      hint: REWRITE_HINT,
      cause: error,
    });
  }
  const manifest = parsed.data as CheckpointManifest;
  for (const name of Object.keys(manifest.files ?? {})) {
    // A checkpoint is flat: a listed name with a separator or '..' can only be an attempt to reach outside.
    if (name === '.' || name === '..' || /[/\\\0]/.test(name) || name === CHECKPOINT_MANIFEST_FILE) {
      throw new SteerableError('unsafe-path', `the manifest lists ${JSON.stringify(name)}, which is not a plain file name inside the checkpoint`, {
        file,
        field: `files.${name}`,
        hint: REWRITE_HINT,
      });
    }
  }
  if (manifest.version >= 2) {
    const required = [CHECKPOINT_WEIGHTS_FILE, ...(manifest.optimizer ? [CHECKPOINT_OPTIMIZER_FILE] : [])];
    const missing = required.find((name) => manifest.files?.[name] === undefined);
    if (missing !== undefined) {
      throw new SteerableError('damaged-checkpoint', `a version ${manifest.version} manifest must list ${missing} with its size and sha256`, {
        file,
        field: `files.${missing}`,
        hint: REWRITE_HINT,
      });
    }
  }
  return manifest;
}
