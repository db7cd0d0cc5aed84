import {
  CHECKPOINT_MANIFEST_FILE,
  CHECKPOINT_MANIFEST_MAX_BYTES,
  type CheckpointSource,
  directoryUrl,
  fetchCheckpointSource,
  type FetchCheckpointSourceOptions,
  parseJsonBytes,
  SteerableError,
} from '@steerable/core';
import type { Featurizer } from '@steerable/preference-data';
import { loadRewardModelFrom } from '../reward-checkpoint.js';
import { assertSameFeaturizer, readFeaturizerRecord } from './featurizer-record.js';
import { withRecordedFeaturizer } from './reward-run-featurizer.js';
import type { TextRewardModel } from './text-reward-model.js';

export interface LoadRewardRunFromOptions {
  /**
   * Use this featurizer instead of rebuilding the recorded one. It must match the recorded
   * description (kind, encoder, recipe, truncation): another is refused, with code
   * `featurizer-mismatch`, before the weights are read. A page passes the sentence encoder it
   * loaded from its own files, as a browser cannot rebuild one from disk.
   */
  featurizer?: Featurizer;
}

export interface FetchRewardRunOptions extends LoadRewardRunFromOptions, FetchCheckpointSourceOptions {
  /** For a run directory: 'best' (best on validation when the run kept it, else the latest; default) or 'latest'. */
  checkpoint?: 'best' | 'latest';
}

/**
 * `loadRewardRun` for one checkpoint read through a source (fetched or in-memory bytes): the model
 * with the featurizer its checkpoint recorded, verified as a directory would be.
 */
export async function loadRewardRunFrom(source: CheckpointSource, options: LoadRewardRunFromOptions = {}): Promise<TextRewardModel> {
  const checked = options.featurizer ? await refuseOtherFeaturizer(source, options.featurizer) : source;
  return withRecordedFeaturizer(await loadRewardModelFrom(checked), source.location, options.featurizer);
}

/**
 * Reads the manifest first and refuses a featurizer the run was not trained with before the
 * weights are fetched; the source it returns serves that manifest again from memory. A manifest
 * that does not parse is left to the checkpoint loader, which says what is wrong with it.
 */
async function refuseOtherFeaturizer(source: CheckpointSource, featurizer: Featurizer): Promise<CheckpointSource> {
  const bytes = await source.read(CHECKPOINT_MANIFEST_FILE, { maxBytes: CHECKPOINT_MANIFEST_MAX_BYTES });
  let extra: unknown;
  try {
    extra = (parseJsonBytes(bytes, `${source.location}/${CHECKPOINT_MANIFEST_FILE}`) as { extra?: unknown } | null)?.extra;
  } catch {
    extra = undefined;
  }
  if (extra && typeof extra === 'object') {
    assertSameFeaturizer(featurizer, readFeaturizerRecord(extra as Record<string, unknown>).description, source.location);
  }
  return {
    location: source.location,
    read: (name, limits) => (name === CHECKPOINT_MANIFEST_FILE ? Promise.resolve(bytes) : source.read(name, limits)),
  };
}

/**
 * `loadRewardRun` over HTTP, for a page that serves a run as static files: `url` is a checkpoint
 * directory (it holds manifest.json) or a run directory, whose `checkpoints/best/` (or the step
 * `checkpoints/latest.json` names) is used. Nothing but those files is requested.
 */
export async function fetchRewardRun(url: string | URL, options: FetchRewardRunOptions = {}): Promise<TextRewardModel> {
  const base = directoryUrl(url);
  const candidates = [base, ...(options.checkpoint === 'latest' ? [] : [new URL('checkpoints/best/', base)])];
  for (const candidate of candidates) {
    if (await servesManifest(candidate, options)) return loadRewardRunFrom(fetchCheckpointSource(candidate, options), options);
  }
  const latest = await latestStep(base, options);
  if (latest === null) {
    throw new SteerableError(
      'run-incomplete',
      `${base.href} serves no checkpoint (no manifest.json there, nor under checkpoints/best/ or checkpoints/latest.json)`,
      {
        file: base.href,
        hint: 'serve a run directory written by steerable-train reward, or one checkpoint directory, as static files at this URL',
      },
    );
  }
  return loadRewardRunFrom(fetchCheckpointSource(new URL(`checkpoints/${latest}/`, base), options), options);
}

/** Whether `dir` serves a manifest. An HTML answer is a single-page app's fallback, not a file. */
async function servesManifest(dir: URL, options: FetchRewardRunOptions): Promise<boolean> {
  const response = await (options.fetch ?? globalThis.fetch)(new URL('manifest.json', dir).href, { ...options.init, method: 'HEAD' });
  return response.ok && !(response.headers.get('content-type') ?? '').includes('text/html');
}

/** The newest step's folder as `checkpoints/latest.json` names it, or null. */
async function latestStep(base: URL, options: FetchRewardRunOptions): Promise<string | null> {
  const file = new URL('checkpoints/latest.json', base).href;
  const response = await (options.fetch ?? globalThis.fetch)(file, options.init);
  if (!response.ok || (response.headers.get('content-type') ?? '').includes('text/html')) return null;
  const pointer = (await response.json().catch(() => null)) as { path?: unknown } | null;
  // Only a plain step folder name: the pointer must not lead the page elsewhere on the server.
  if (typeof pointer?.path !== 'string' || !/^step-\d+$/.test(pointer.path)) {
    throw new SteerableError('damaged-checkpoint', 'checkpoints/latest.json does not name a step folder', {
      file,
      field: 'path',
      hint: 'serve the run directory as steerable-train wrote it',
    });
  }
  return pointer.path;
}
