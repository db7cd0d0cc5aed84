import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { SteerableError } from '@steerable/core';
import { type PolicyEval, policyEvalSchema, type RewardEval, rewardEvalSchema } from './eval-contract.js';

/** One record of metrics.jsonl: step, loss and slash-namespaced keys such as eval/accuracy. */
export type MetricsRecord = Record<string, unknown> & { step?: number };

/** What a report knows about one run, read tolerantly: anything missing or unreadable is left out with a warning. */
export interface ReportRun {
  /** The directory given (or the one found under it). */
  dir: string;
  /** The run's name: config.name, else eval.json's model, else the directory name. */
  name: string;
  config?: Record<string, unknown>;
  metrics: MetricsRecord[];
  /** summary.json: written when training finished (steps, wall time, final metrics). */
  summary?: Record<string, unknown>;
  /** sessions.jsonl: one record per training session (backend, threads, versions). */
  sessions: Record<string, unknown>[];
  evaluation?: { kind: 'reward'; data: RewardEval; path: string } | { kind: 'policy'; data: PolicyEval; path: string };
  /** created_at of the newest checkpoint manifest, and its step (wall-time and step fallbacks). */
  lastCheckpoint?: { createdAt?: string; step?: number };
  /** created_at of checkpoints/best's manifest and its step. */
  bestCheckpoint?: { step?: number };
  /** mtimes of config.json and metrics.jsonl in ms, the last resort for wall time. */
  fileTimes?: { config?: number; metrics?: number };
  warnings: string[];
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Where an evaluation lives relative to a run: the run directory itself or its eval/ folder (the CLIs' default). */
export const EVAL_JSON_CANDIDATES = ['eval.json', join('eval', 'eval.json')] as const;

async function readMetrics(path: string, warnings: string[]): Promise<MetricsRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const records: MetricsRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const record = JSON.parse(line) as unknown;
      if (isRecord(record)) records.push(record as MetricsRecord);
    } catch {
      // An interrupted run can leave a half-written last line; the rest still plots.
      warnings.push(`metrics.jsonl line ${i + 1} is not JSON and was skipped`);
    }
  });
  return records;
}

async function readEvaluation(dir: string, warnings: string[]): Promise<ReportRun['evaluation']> {
  for (const candidate of EVAL_JSON_CANDIDATES) {
    const path = join(dir, candidate);
    if (!(await exists(path))) continue;
    let data: unknown;
    try {
      data = await readJson(path);
    } catch {
      warnings.push(`${candidate} is not valid JSON`);
      continue;
    }
    if (isRecord(data) && 'heldout' in data) {
      const parsed = rewardEvalSchema.safeParse(data);
      if (parsed.success) return { kind: 'reward', data: parsed.data, path };
      warnings.push(`${candidate} does not match the reward eval.json contract: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    } else if (isRecord(data) && 'implicit_accuracy' in data) {
      const parsed = policyEvalSchema.safeParse(data);
      if (parsed.success) return { kind: 'policy', data: parsed.data, path };
      warnings.push(`${candidate} does not match the policy eval.json contract: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    } else {
      warnings.push(`${candidate} is neither a reward nor a policy evaluation`);
    }
  }
  return undefined;
}

async function readCheckpoints(dir: string): Promise<Pick<ReportRun, 'lastCheckpoint' | 'bestCheckpoint'>> {
  const root = join(dir, 'checkpoints');
  const out: Pick<ReportRun, 'lastCheckpoint' | 'bestCheckpoint'> = {};
  let entries: string[] = [];
  try {
    entries = await readdir(root);
  } catch {
    // A run that never wrote a checkpoint.
    entries = [];
  }
  const steps = entries
    .map((e) => /^step-(\d+)$/.exec(e))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  const newest = steps[0] ? join(root, steps[0][0]) : undefined;
  if (newest) {
    try {
      const manifest = await readJson(join(newest, 'manifest.json'));
      if (isRecord(manifest))
        out.lastCheckpoint = {
          ...(typeof manifest.created_at === 'string' ? { createdAt: manifest.created_at } : {}),
          ...(typeof manifest.step === 'number' ? { step: manifest.step } : {}),
        };
    } catch {
      // A checkpoint without a readable manifest tells nothing the header needs.
    }
  }
  if (entries.includes('best')) {
    try {
      const manifest = await readJson(join(root, 'best', 'manifest.json'));
      if (isRecord(manifest) && typeof manifest.step === 'number') out.bestCheckpoint = { step: manifest.step };
    } catch {
      out.bestCheckpoint = {};
    }
  }
  return out;
}

/** Reads one run directory (or an evaluation output directory holding eval.json) tolerantly. */
export async function readReportRun(dirPath: string): Promise<ReportRun> {
  const dir = resolve(dirPath);
  const warnings: string[] = [];
  let config: Record<string, unknown> | undefined;
  if (await exists(join(dir, 'config.json'))) {
    try {
      const parsed = await readJson(join(dir, 'config.json'));
      if (isRecord(parsed)) config = parsed;
      else warnings.push('config.json is not a JSON object');
    } catch {
      warnings.push('config.json is not valid JSON');
    }
  }
  let summary: Record<string, unknown> | undefined;
  if (await exists(join(dir, 'summary.json'))) {
    try {
      const parsed = await readJson(join(dir, 'summary.json'));
      if (isRecord(parsed)) summary = parsed;
    } catch {
      warnings.push('summary.json is not valid JSON');
    }
  }
  const metrics = await readMetrics(join(dir, 'metrics.jsonl'), warnings);
  const sessions = (await readMetrics(join(dir, 'sessions.jsonl'), warnings)) as Record<string, unknown>[];
  const evaluation = await readEvaluation(dir, warnings);
  const checkpoints = await readCheckpoints(dir);
  const configTime = await mtime(join(dir, 'config.json'));
  const metricsTime = await mtime(join(dir, 'metrics.jsonl'));
  const name = (typeof config?.name === 'string' && config.name) || evaluation?.data.model || basename(dir);
  return {
    dir,
    name,
    ...(config ? { config } : {}),
    metrics,
    sessions,
    ...(summary ? { summary } : {}),
    ...(evaluation ? { evaluation } : {}),
    ...checkpoints,
    fileTimes: { ...(configTime !== undefined ? { config: configTime } : {}), ...(metricsTime !== undefined ? { metrics: metricsTime } : {}) },
    warnings,
  };
}

/**
 * Reads the runs named on the command line. A directory that is neither a run nor holds an
 * eval.json is searched one level down (an `eval-comparison/` folder holds one evaluation per
 * model), so `--runs eval-comparison` works too.
 */
export async function readReportRuns(dirs: readonly string[]): Promise<ReportRun[]> {
  const runs: ReportRun[] = [];
  for (const dir of dirs) {
    const run = await readReportRun(dir);
    if (run.config || run.evaluation || run.metrics.length) {
      runs.push(run);
      continue;
    }
    let children: string[] = [];
    try {
      children = (await readdir(run.dir, { withFileTypes: true }))
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
    } catch {
      throw new SteerableError('run-missing', `${run.dir} does not exist or is not a directory`, {
        file: run.dir,
        hint: 'pass run directories written by steerable-train, or folders holding eval.json',
      });
    }
    const found = (await Promise.all(children.map((c) => readReportRun(join(run.dir, c))))).filter((r) => r.config || r.evaluation);
    if (found.length === 0) {
      throw new SteerableError('run-missing', `${run.dir} holds no run (no config.json, metrics.jsonl or eval.json, here or one level down)`, {
        file: run.dir,
        hint: 'pass run directories written by steerable-train, or folders holding eval.json from steerable-eval',
      });
    }
    runs.push(...found);
  }
  return mergeEvaluationsIntoRuns(runs);
}

/**
 * `steerable-eval reward --run A B --out DIR` writes DIR/<model>/eval.json, away from the runs: an
 * evaluation found without a run (no config.json) joins the run of the same name that has none, so
 * `--runs A B DIR` gives one section per model with its header, training curves and evaluation.
 */
function mergeEvaluationsIntoRuns(runs: ReportRun[]): ReportRun[] {
  const merged = runs.map((r) => ({ ...r }));
  const absorbed = new Set<ReportRun>();
  for (const orphan of merged) {
    if (!orphan.evaluation || orphan.config) continue;
    const home = merged.find((r) => r !== orphan && r.config && !r.evaluation && r.name === orphan.evaluation!.data.model);
    if (!home) continue;
    home.evaluation = orphan.evaluation;
    home.warnings = [...home.warnings, ...orphan.warnings];
    absorbed.add(orphan);
  }
  return merged.filter((r) => !absorbed.has(r));
}

/** The run with an evaluation made in this process (the reward/policy commands write eval.json where --out says, not always inside the run). */
export function withEvaluation(run: ReportRun, evaluation: NonNullable<ReportRun['evaluation']>): ReportRun {
  return { ...run, evaluation, name: typeof run.config?.name === 'string' && run.config.name ? run.config.name : evaluation.data.model };
}
