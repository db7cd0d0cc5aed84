import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeJsonAtomic } from '@steerable/core';
import { embedTextPairs, groupPairs } from '../featurize/embed-pairs.js';
import type { Featurizer, FeaturizeProgress } from '../featurize/featurizer.js';
import { type ReadPreferenceOptions, readPreferencePairs } from '../readers/read-preference-file.js';
import type { EmbeddedPairSet } from '../types/embedded-pair-set.js';
import type { PreferencePair } from '../types/preference-pair.js';
import { canonicalJson, fileSha256, textsSha256 } from './content-hash.js';
import { type EmbeddingStoreFormat, NPY_FILE, readEmbeddingStore, SAFETENSORS_FILE, writeEmbeddingStore } from './embedding-store.js';
import { type TextLookupFeaturizer, textLookupFeaturizer } from './text-lookup-featurizer.js';

/** Bumped when what an entry holds changes for the same inputs (e.g. the order groupPairs gives pairs). */
export const EMBEDDING_CACHE_VERSION = 1;
/** The entry's manifest, next to the embedding store's index.jsonl and embeddings file. */
export const CACHE_MANIFEST_FILE = 'cache.json';

export interface EmbeddingCacheEvent {
  /** hit: served from disk; miss: no entry yet; invalid: an entry failed its checks and is recomputed; written: a new entry is on disk. */
  type: 'hit' | 'miss' | 'invalid' | 'written';
  level: 'info' | 'warning';
  directory: string;
  message: string;
}

export interface EmbedFilesCachedOptions {
  /** Preference files, read in order; the key hashes their contents, not their paths. */
  files: readonly string[];
  featurizer: Featurizer;
  /** Where entries live (one subdirectory each). A library has no default: the apps choose one. */
  cacheDir: string;
  readOptions?: Omit<ReadPreferenceOptions, 'strict'>;
  /** Embeddings file of new entries (default npy). */
  format?: Exclude<EmbeddingStoreFormat, 'jsonl'>;
  onEvent?: (event: EmbeddingCacheEvent) => void;
  /** The featurizer's progress while an entry is computed. */
  onProgress?: (progress: FeaturizeProgress) => void;
}

export interface CachedFileEmbeddings {
  /** Every pair of the files, in file order (filter and split these, then embedPairs with `featurizer`). */
  pairs: PreferencePair[];
  /** All those pairs grouped (groupPairs) and embedded: the entry's content. */
  set: EmbeddedPairSet;
  /** Serves the features of the files' texts from the entry; computes only texts it does not hold. */
  featurizer: TextLookupFeaturizer;
  status: 'hit' | 'computed' | 'recomputed';
  directory: string;
  /** SHA-256 of (cache version, file contents, featurizer description, reader format). */
  key: string;
}

interface CacheManifest {
  version: number;
  key: string;
  files: { name: string; sha256: string }[];
  featurizer: Featurizer['description'];
  textsSha256: string;
  numPairs: number;
  dim: number;
  embeddingsFile: string;
  embeddingsSha256: string;
  createdAt: string;
}

/**
 * Embeds the pairs of preference files once per (file contents, featurizer description, reader
 * format) and keeps them in an embedding store under `cacheDir`; a later call with the same inputs
 * reads them back and embeds nothing. The featurizer's description holds its encoder id, text
 * recipe and truncation, so another encoder or recipe gets another entry. Entries are written to a
 * temporary directory and renamed into place (a crash leaves no half entry), and every read is
 * checked (manifest, checksum of the embeddings, the files' texts, shape): an entry that fails is
 * reported as a warning event and recomputed, never trusted.
 */
export async function embedFilesCached(options: EmbedFilesCachedOptions): Promise<CachedFileEmbeddings> {
  const { files, featurizer, cacheDir } = options;
  const emit = (event: EmbeddingCacheEvent): void => options.onEvent?.(event);
  const pairs: PreferencePair[] = [];
  for (const file of files) pairs.push(...(await readPreferencePairs(file, options.readOptions ?? {})));
  const fileHashes = await Promise.all(files.map(async (file) => ({ name: basename(file), sha256: await fileSha256(file) })));
  const texts = groupPairs(pairs);
  const textsHash = textsSha256(texts.pairs.flatMap((pair) => [pair.prompt, pair.a, pair.b]));
  const keyParts = {
    version: EMBEDDING_CACHE_VERSION,
    files: fileHashes.map((f) => f.sha256),
    featurizer: featurizer.description,
    format: options.readOptions?.format ?? null,
  };
  const key = sha256(canonicalJson(keyParts));
  const directory = join(cacheDir, `${featurizer.description.kind.replace(/[^\w.-]/g, '_')}-${key.slice(0, 24)}`);
  const finish = (stored: EmbeddedPairSet, status: CachedFileEmbeddings['status']): CachedFileEmbeddings => {
    // Labels and ids from this run's reading of the files: a hit returns exactly what a miss would.
    const set: EmbeddedPairSet = {
      dim: stored.dim,
      numPairs: texts.pairs.length,
      options: stored.options,
      labels: texts.labels,
      pairIds: texts.pairs.map((p) => p.id),
      embedding: { ...featurizer.description },
    };
    return { pairs, set, featurizer: textLookupFeaturizer(texts, set, featurizer), status, directory, key };
  };

  let invalid = false;
  if (existsSync(directory)) {
    try {
      const stored = await readCheckedEntry(directory, { key, textsHash, numPairs: texts.pairs.length, dim: featurizer.dim });
      emit({ type: 'hit', level: 'info', directory, message: `embeddings of ${texts.pairs.length} pairs read from the cache` });
      return finish(stored, 'hit');
    } catch (error) {
      invalid = true;
      emit({ type: 'invalid', level: 'warning', directory, message: `cache entry ignored and recomputed: ${(error as Error).message}` });
    }
  } else {
    emit({ type: 'miss', level: 'info', directory, message: `no cached embeddings: embedding ${texts.pairs.length} pairs` });
  }
  const set = await embedTextPairs(texts, featurizer, options.onProgress ? { onProgress: options.onProgress } : {});
  await writeEntry(directory, set, options.format ?? 'npy', { key, fileHashes, description: featurizer.description, textsHash });
  emit({ type: 'written', level: 'info', directory, message: `embeddings of ${set.numPairs} pairs cached` });
  return finish(set, invalid ? 'recomputed' : 'computed');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function readCheckedEntry(directory: string, expected: { key: string; textsHash: string; numPairs: number; dim: number }): Promise<EmbeddedPairSet> {
  const manifest = JSON.parse(await readFile(join(directory, CACHE_MANIFEST_FILE), 'utf8')) as Partial<CacheManifest>;
  if (manifest.version !== EMBEDDING_CACHE_VERSION || manifest.key !== expected.key) throw new Error(`${CACHE_MANIFEST_FILE} is for other inputs`);
  if (manifest.textsSha256 !== expected.textsHash) throw new Error("its texts differ from the files'");
  if (manifest.embeddingsFile !== NPY_FILE && manifest.embeddingsFile !== SAFETENSORS_FILE) throw new Error(`${CACHE_MANIFEST_FILE} names no embeddings file`);
  const bytes = await readFile(join(directory, manifest.embeddingsFile));
  if (createHash('sha256').update(bytes).digest('hex') !== manifest.embeddingsSha256) throw new Error(`${manifest.embeddingsFile} does not match its checksum`);
  const stored = await readEmbeddingStore(directory);
  if (stored.numPairs !== expected.numPairs || stored.dim !== expected.dim) {
    throw new Error(`it holds ${stored.numPairs} pairs of ${stored.dim} floats, expected ${expected.numPairs} of ${expected.dim}`);
  }
  if (!stored.options.every(Number.isFinite)) throw new Error('it holds non-finite values');
  return stored;
}

async function writeEntry(
  directory: string,
  set: EmbeddedPairSet,
  format: Exclude<EmbeddingStoreFormat, 'jsonl'>,
  inputs: { key: string; fileHashes: { name: string; sha256: string }[]; description: Featurizer['description']; textsHash: string },
): Promise<void> {
  const suffix = randomBytes(6).toString('hex');
  const staging = `${directory}.tmp-${suffix}`;
  try {
    await writeEmbeddingStore(staging, set, format);
    const embeddingsFile = format === 'npy' ? NPY_FILE : SAFETENSORS_FILE;
    const manifest: CacheManifest = {
      version: EMBEDDING_CACHE_VERSION,
      key: inputs.key,
      files: inputs.fileHashes,
      featurizer: inputs.description,
      textsSha256: inputs.textsHash,
      numPairs: set.numPairs,
      dim: set.dim,
      embeddingsFile,
      embeddingsSha256: createHash('sha256')
        .update(await readFile(join(staging, embeddingsFile)))
        .digest('hex'),
      createdAt: new Date().toISOString(),
    };
    await writeJsonAtomic(join(staging, CACHE_MANIFEST_FILE), manifest);
    if (existsSync(directory)) {
      const stale = `${directory}.stale-${suffix}`;
      await rename(directory, stale);
      await rm(stale, { recursive: true, force: true });
    }
    await rename(staging, directory);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another process renamed the same entry into place first: its content is the same.
    if (existsSync(join(directory, CACHE_MANIFEST_FILE)) && ['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) return;
    throw error;
  }
}
