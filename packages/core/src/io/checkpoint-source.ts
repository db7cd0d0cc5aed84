import type * as tf from '@tensorflow/tfjs';
import { SteerableError } from '../errors.js';
import {
  asDamaged,
  type CheckpointContents,
  type CheckpointWarning,
  type LoadCheckpointOptions,
  safetensorsToTensors,
  unverifiedWarning,
} from './checkpoint-contents.js';
import {
  CHECKPOINT_MANIFEST_FILE,
  CHECKPOINT_MANIFEST_MAX_BYTES,
  CHECKPOINT_OPTIMIZER_FILE,
  CHECKPOINT_WEIGHTS_FILE,
  type CheckpointManifest,
  validateCheckpointManifest,
} from './checkpoint-manifest.js';
import { parseJsonBytes } from './parse-json-bytes.js';

/**
 * Where the files of one checkpoint come from when there is no file system to read: a browser
 * fetching a run served as static files, or bytes already in memory. `loadCheckpointFrom` reads
 * through it with the same checks as `loadCheckpoint` reads a directory.
 */
export interface CheckpointSource {
  /** Names the checkpoint in errors and warnings (a URL, a label). */
  readonly location: string;
  /**
   * The bytes of one file of the checkpoint by its name (`manifest.json`, `weights.safetensors`).
   * A file over `maxBytes` must be refused (with a SteerableError) without reading all of it.
   */
  read(name: string, limits: { maxBytes: number }): Promise<Uint8Array>;
}

export interface LoadCheckpointFromOptions extends LoadCheckpointOptions {
  /** Read the optimizer's moments too when the checkpoint has them (default false: scoring needs only the weights). */
  optimizerState?: boolean;
  /** The largest weight file accepted when the manifest records no size (a version 1 checkpoint); default 2 GiB. */
  maxUnrecordedBytes?: number;
}

const DEFAULT_MAX_UNRECORDED_BYTES = 2 ** 31;

/** A source over files held in memory, by name (strings are encoded as UTF-8). */
export function memoryCheckpointSource(files: Readonly<Record<string, Uint8Array | ArrayBuffer | string>>, location = 'memory'): CheckpointSource {
  return {
    location,
    async read(name, { maxBytes }) {
      const content = Object.hasOwn(files, name) ? files[name] : undefined;
      if (content === undefined)
        throw new SteerableError('damaged-checkpoint', `${name} is missing`, { file: `${location}/${name}`, hint: 'the checkpoint is incomplete' });
      const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content instanceof Uint8Array ? content : new Uint8Array(content);
      if (bytes.byteLength > maxBytes) throw tooLarge(`${location}/${name}`, bytes.byteLength, maxBytes);
      return bytes;
    },
  };
}

export interface FetchCheckpointSourceOptions {
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** Passed to every request (headers, credentials, an AbortSignal). */
  init?: RequestInit;
}

/**
 * A source over a checkpoint directory served over HTTP (`<url>/manifest.json`,
 * `<url>/weights.safetensors`). Each response is read as a stream and abandoned as soon as it
 * passes the size the manifest records, so a wrong or hostile server cannot fill the memory.
 */
export function fetchCheckpointSource(url: string | URL, options: FetchCheckpointSourceOptions = {}): CheckpointSource {
  const base = directoryUrl(url);
  const fetchFile = options.fetch ?? globalThis.fetch;
  return {
    location: base.href.replace(/\/$/, ''),
    async read(name, { maxBytes }) {
      const fileUrl = new URL(name, base).href;
      let response: Response;
      try {
        response = await fetchFile(fileUrl, options.init);
      } catch (cause) {
        throw new SteerableError('fetch-failed', `cannot fetch ${name}: ${(cause as Error).message}`, {
          file: fileUrl,
          cause,
          hint: 'check that the checkpoint is served at this URL',
        });
      }
      if (!response.ok) {
        throw new SteerableError(response.status === 404 ? 'file-not-found' : 'fetch-failed', `fetching ${name} answered HTTP ${response.status}`, {
          file: fileUrl,
          hint: 'serve the checkpoint directory (manifest.json, weights.safetensors) as static files at this URL',
        });
      }
      return readCapped(response, fileUrl, maxBytes);
    },
  };
}

/**
 * `url` as a directory URL (with a trailing slash), resolved against the page when relative.
 * `pageHint` says what to pass when the URL does not parse in a page.
 */
export function directoryUrl(url: string | URL, pageHint = 'pass the URL of the directory that holds manifest.json'): URL {
  // A page resolves relative URLs against itself; Node has no page, so a URL there must be absolute.
  const page = (globalThis as { location?: { href: string } }).location?.href;
  let resolved: URL;
  try {
    resolved = new URL(String(url), page);
  } catch (cause) {
    throw new SteerableError('invalid-url', `${JSON.stringify(String(url))} is not a URL`, {
      field: 'url',
      cause,
      hint: page ? pageHint : 'outside a page, pass an absolute URL (http://host/path/)',
    });
  }
  if (!resolved.pathname.endsWith('/')) resolved.pathname += '/';
  return resolved;
}

async function readCapped(response: Response, file: string, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(file, declared, maxBytes);
  }
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel();
      throw tooLarge(file, length, maxBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(file: string, size: number, maxBytes: number): SteerableError {
  return new SteerableError('damaged-checkpoint', `the file has at least ${size} bytes, over the ${maxBytes} expected`, {
    file,
    field: 'bytes',
    hint: 'the checkpoint is damaged or the URL serves something else',
  });
}

/** Lower-case hex SHA-256 with the Web Crypto API (browsers in a secure context, Node 20+). */
export async function sha256HexAsync(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new SteerableError('no-web-crypto', 'this environment has no Web Crypto (crypto.subtle) to verify checkpoint checksums', {
      hint: 'serve the page over https or from localhost: browsers offer crypto.subtle only in secure contexts',
    });
  }
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Loads a checkpoint from a source with the checks `loadCheckpoint` makes on a directory: the
 * manifest's schema, each file's size and SHA-256 against the manifest (version 2; version 1
 * loads with an `unverified-checkpoint` warning), strictly valid safetensors, finite weights.
 * Problems are SteerableErrors with code `damaged-checkpoint` naming the file.
 */
export async function loadCheckpointFrom(source: CheckpointSource, options: LoadCheckpointFromOptions = {}): Promise<CheckpointContents> {
  const manifestFile = `${source.location}/${CHECKPOINT_MANIFEST_FILE}`;
  let manifest: CheckpointManifest;
  try {
    const bytes = await source.read(CHECKPOINT_MANIFEST_FILE, { maxBytes: CHECKPOINT_MANIFEST_MAX_BYTES });
    manifest = validateCheckpointManifest(
      parseJsonBytes(bytes, manifestFile, { what: 'checkpoint manifest', hint: 'the checkpoint is incomplete or damaged' }),
      manifestFile,
    );
  } catch (error) {
    throw asDamaged(error, manifestFile);
  }
  const warnings: CheckpointWarning[] = [];
  let weights: Map<string, tf.Tensor> | null = null;
  let optimizerState: Map<string, tf.Tensor> | null = null;
  try {
    weights = safetensorsToTensors(...(await readChecked(source, manifest, CHECKPOINT_WEIGHTS_FILE, options)));
    if (manifest.optimizer && options.optimizerState) {
      optimizerState = safetensorsToTensors(...(await readChecked(source, manifest, CHECKPOINT_OPTIMIZER_FILE, options)));
    }
  } catch (error) {
    if (weights) for (const t of weights.values()) t.dispose();
    throw asDamaged(error, manifestFile);
  }
  if (manifest.version < 2) {
    const warning = unverifiedWarning(source.location, manifestFile);
    warnings.push(warning);
    options.onWarning?.(warning);
  }
  return { manifest, weights, optimizerState, warnings };
}

/** One listed file's bytes, refused unless its size and SHA-256 are those the manifest records. */
async function readChecked(
  source: CheckpointSource,
  manifest: CheckpointManifest,
  name: string,
  options: LoadCheckpointFromOptions,
): Promise<[Uint8Array, string]> {
  const file = `${source.location}/${name}`;
  const record = manifest.files?.[name];
  const bytes = await source.read(name, { maxBytes: record?.bytes ?? options.maxUnrecordedBytes ?? DEFAULT_MAX_UNRECORDED_BYTES });
  if (!record) return [bytes, file];
  if (bytes.byteLength !== record.bytes) {
    throw new SteerableError('damaged-checkpoint', `${name} is ${bytes.byteLength} bytes but the manifest records ${record.bytes} (truncated or overwritten)`, {
      file,
      field: 'bytes',
      hint: 'the checkpoint is damaged; serve it again from the run',
    });
  }
  const digest = await sha256HexAsync(bytes);
  if (digest !== record.sha256) {
    throw new SteerableError(
      'damaged-checkpoint',
      `${name} has sha256 ${digest.slice(0, 12)}... but the manifest records ${record.sha256.slice(0, 12)}... (its bytes changed after it was written)`,
      {
        file,
        field: 'sha256',
        hint: 'the checkpoint is damaged; serve it again from the run',
      },
    );
  }
  return [bytes, file];
}
