import { createHash } from 'node:crypto';
import type { ReportRun } from './run-files.js';

/** The facts shown above a run's figures; absent ones are null (shown as "-"). */
export interface RunHeader {
  name: string;
  dir: string;
  kind: 'reward' | 'policy' | 'unknown';
  model: string | null;
  data: string | null;
  /** First 12 hex digits of the SHA-256 of config.json with sorted keys, created_at and backend left out. */
  configDigest: string | null;
  backend: string | null;
  threads: number | null;
  seed: number | null;
  steps: number | null;
  wallTimeSeconds: number | null;
  /** Where the wall time came from: the run's own record, checkpoint timestamps, or file times. */
  wallTimeSource: 'recorded' | 'checkpoint timestamps' | 'file times' | null;
  bestStep: number | null;
  evaluation: string | null;
  warnings: string[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const finite = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** JSON with keys sorted at every level, so the digest does not depend on key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/**
 * A digest of what was asked for: the creation time and the backend the run happened to get are
 * left out, so the same config trained twice, or on another machine, has the same digest.
 */
export function configDigest(config: Record<string, unknown>): string {
  const { created_at: _created, backend: _backend, ...rest } = config;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex').slice(0, 12);
}

function describeModel(config: Record<string, unknown> | undefined): string | null {
  if (!config) return null;
  const model = config.model;
  const kind = typeof config.kind === 'string' ? config.kind : isRecord(model) && typeof model.kind === 'string' ? model.kind : null;
  if (!isRecord(model)) return kind;
  // latentDim is resolved for every reward model but used only by latent encoders and VPL.
  const usesLatent = model.kind === 'vpl' || model.variant === 'latent';
  const sizes = ['hiddenDim', 'n_embd', 'n_layer', 'n_head', 'numHeads', ...(usesLatent ? ['latentDim'] : [])]
    .filter((k) => typeof model[k] === 'number')
    .map((k) => `${k} ${model[k] as number}`);
  const variant = typeof model.variant === 'string' && model.variant !== 'deterministic' ? [model.variant] : [];
  return [kind ?? 'model', ...variant, sizes.length ? `(${sizes.join(', ')})` : ''].filter(Boolean).join(' ');
}

function describeData(config: Record<string, unknown> | undefined): string | null {
  const data = config?.data;
  if (!isRecord(data)) return null;
  const source = typeof data.source === 'string' ? data.source : typeof data.benchmark === 'string' ? data.benchmark : 'data';
  const parts: string[] = [source];
  if (typeof data.path === 'string' && data.path) parts.push(data.path);
  if (typeof data.numPairs === 'number') parts.push(`${data.numPairs.toLocaleString('en-US')} pairs`);
  if (isRecord(data.pairsPerType))
    parts.push(
      `pairs per type ${Object.entries(data.pairsPerType)
        .map(([s, n]) => `${s} ${String(n)}`)
        .join(' / ')}`,
    );
  if (isRecord(data.featurizer) && typeof data.featurizer.kind === 'string')
    parts.push(`featurizer ${data.featurizer.kind}${typeof data.featurizer.dim === 'number' ? ` (${data.featurizer.dim})` : ''}`);
  if (Array.isArray(data.splitFractions)) parts.push(`split ${data.splitFractions.join('/')}`);
  if (typeof data.seed === 'number') parts.push(`data seed ${data.seed}`);
  return parts.join(', ');
}

function recordedWallTime(run: ReportRun): number | null {
  for (const source of [run.summary, run.config, run.metrics.at(-1)]) {
    if (!source) continue;
    for (const key of ['wall_time_s', 'wall_s', 'time/wall_s', 'elapsed_s']) {
      const value = finite(source[key]);
      if (value !== null) return value;
    }
  }
  return null;
}

function wallTime(run: ReportRun): Pick<RunHeader, 'wallTimeSeconds' | 'wallTimeSource'> {
  const recorded = recordedWallTime(run);
  if (recorded !== null) return { wallTimeSeconds: recorded, wallTimeSource: 'recorded' };
  const first = run.sessions[0]?.started_at;
  const start = typeof first === 'string' ? Date.parse(first) : Number.NaN;
  const end = run.lastCheckpoint?.createdAt ? Date.parse(run.lastCheckpoint.createdAt) : Number.NaN;
  if (Number.isFinite(start) && Number.isFinite(end) && end >= start) return { wallTimeSeconds: (end - start) / 1000, wallTimeSource: 'checkpoint timestamps' };
  const { config, metrics } = run.fileTimes ?? {};
  // A fresh checkout gives every file the same time: a zero difference says nothing.
  if (config !== undefined && metrics !== undefined && metrics > config) return { wallTimeSeconds: (metrics - config) / 1000, wallTimeSource: 'file times' };
  return { wallTimeSeconds: null, wallTimeSource: null };
}

function lastNumber(records: readonly Record<string, unknown>[], key: string): number | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const value = finite(records[i]![key]);
    if (value !== null) return value;
  }
  return null;
}

export function runHeader(run: ReportRun): RunHeader {
  const config = run.config;
  // The latest training session says what the run ran on (a resume may have moved it).
  const session = run.sessions.at(-1);
  const steps = lastNumber(run.metrics, 'step') ?? run.lastCheckpoint?.step ?? null;
  return {
    name: run.name,
    dir: run.dir,
    kind: run.evaluation?.kind ?? (isRecord(config?.dpo) || typeof config?.kind === 'string' ? 'policy' : config ? 'reward' : 'unknown'),
    model: describeModel(config),
    data: describeData(config),
    configDigest: config ? configDigest(config) : null,
    backend: typeof session?.backend === 'string' ? session.backend : null,
    threads: finite(session?.threads),
    seed: finite(config?.seed),
    steps,
    ...wallTime(run),
    bestStep: lastNumber(run.metrics, 'eval/best_step') ?? run.bestCheckpoint?.step ?? null,
    evaluation: run.evaluation?.path ?? null,
    warnings: run.warnings,
  };
}

/** "1 h 02 min", "3 min 05 s", "12.3 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
