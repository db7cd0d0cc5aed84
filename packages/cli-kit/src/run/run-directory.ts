import { appendFile, mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { CheckpointDirectory, type CheckpointWarning, SteerableError, writeFileAtomic, writeJsonAtomic } from '@steerable/core';

/** The files of a run directory, the same for reward and policy runs. */
export const RUN_FILES = {
  config: 'config.json',
  metrics: 'metrics.jsonl',
  checkpoints: 'checkpoints',
  /** Written last: its presence means the run finished. */
  summary: 'summary.json',
  eval: 'eval',
  /** Exported models (a policy run's SFT model in Hugging Face format). */
  model: 'model',
  /** Derived data a run recomputes when it is missing (reference log-probs). */
  cache: 'cache',
  /** Who ran it where: one record per session (start or resume): time, backend, threads, versions. */
  sessions: 'sessions.jsonl',
} as const;

/** One line of sessions.jsonl. */
export interface RunSession {
  started_at: string;
  backend: string;
  threads: number;
  steerable_kernels: boolean;
  /** The checkpoint a resumed session continued from (relative to the run), or null. */
  resumed_from: string | null;
  versions: Record<string, string | null>;
}

/** What `summary.json` holds. */
export interface RunSummary {
  status: 'finished';
  steps: number;
  wall_time_s: number;
  /** Final metrics (slash-namespaced), as the library returned them. */
  metrics: Record<string, number>;
  best?: { step: number; metric: string; value: number } | null;
  /** Set when early stopping ended training: the step it stopped at and the patience (evaluations without a new best). */
  stopped_early?: { step: number; patience: number };
}

export interface RunDirectoryOptions {
  /** How many step-N checkpoints training keeps (default 3). */
  keepCheckpoints?: number;
  /** Receives checkpoint warnings: a damaged newest checkpoint skipped for the one before it, leftovers removed. */
  onWarning?: (warning: CheckpointWarning) => void;
}

export interface MetricsRecord {
  step: number;
  [key: string]: unknown;
}

/**
 * A run directory, the one place a training run writes (relative paths only, so a run can be
 * moved or copied):
 *   config.json      the resolved config (every default explicit)
 *   metrics.jsonl    one JSON object per logged step (step, then slash-namespaced metrics)
 *   checkpoints/     step-N/ directories, latest.json, best/
 *   model/           exported models (policy SFT runs: Hugging Face format)
 *   eval/            eval.json and report.html from steerable-eval
 *   cache/           derived data recomputed when missing (reference log-probs)
 *   sessions.jsonl   one line per training session: backend, threads, versions
 *   summary.json     written last, when training finished
 */
export class RunDirectory {
  readonly path: string;
  readonly checkpoints: CheckpointDirectory;
  // Appends are chained so records land in call order even when callers do not await them.
  private pendingMetrics: Promise<void> = Promise.resolve();
  /** Whether this process made the directory (it did not exist before `create`). */
  private createdHere = false;

  private constructor(path: string, options: RunDirectoryOptions = {}) {
    this.path = resolve(path);
    this.checkpoints = new CheckpointDirectory(join(this.path, RUN_FILES.checkpoints), {
      ...(options.keepCheckpoints !== undefined ? { keepLast: options.keepCheckpoints } : {}),
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    });
  }

  get configPath(): string {
    return join(this.path, RUN_FILES.config);
  }
  get metricsPath(): string {
    return join(this.path, RUN_FILES.metrics);
  }
  get summaryPath(): string {
    return join(this.path, RUN_FILES.summary);
  }
  get evalPath(): string {
    return join(this.path, RUN_FILES.eval);
  }
  get modelPath(): string {
    return join(this.path, RUN_FILES.model);
  }
  get cachePath(): string {
    return join(this.path, RUN_FILES.cache);
  }

  /**
   * Opens a run directory to train into. An existing run is never replaced silently: the user
   * passes resume (continue it) or overwrite (start again: its files are removed first).
   */
  static async create(path: string, options: RunDirectoryOptions & { resume?: boolean; overwrite?: boolean } = {}): Promise<RunDirectory> {
    const run = new RunDirectory(path, options);
    const existing = await run.exists();
    if (existing && !options.resume && !options.overwrite) {
      throw new SteerableError('run-exists', `run directory ${run.path} already holds a run (config.json)`, {
        file: run.path,
        hint: 'pass --resume to continue it, --overwrite to start again in the same place, or choose another --out',
      });
    }
    if (!existing && options.resume) {
      throw new SteerableError('run-missing', `cannot resume: ${run.path} holds no run (no config.json)`, {
        file: run.path,
        hint: 'drop --resume to start a new run there',
      });
    }
    if (existing && options.overwrite && !options.resume) await run.clear();
    run.createdHere = !(await pathExists(run.path));
    await mkdir(run.path, { recursive: true });
    return run;
  }

  /** Opens an existing run for reading (evaluation, scoring). */
  static async open(path: string, options: RunDirectoryOptions = {}): Promise<RunDirectory> {
    const run = new RunDirectory(path, options);
    if (!(await run.exists())) {
      throw new SteerableError('run-missing', `${run.path} is not a run directory (no config.json)`, {
        file: run.path,
        hint: 'point at a directory written by steerable-train (it holds config.json, metrics.jsonl and checkpoints/)',
      });
    }
    return run;
  }

  async exists(): Promise<boolean> {
    return pathExists(this.configPath);
  }

  async isFinished(): Promise<boolean> {
    return pathExists(this.summaryPath);
  }

  /**
   * After a failure before training made any progress (bad data, a bad model file): removes the
   * directory if this process created it, so a refused input leaves nothing behind. A run that
   * existed before, or that has a checkpoint, is kept.
   */
  async discardIfNoProgress(): Promise<void> {
    if (!this.createdHere) return;
    await this.flush().catch(() => undefined);
    if ((await this.checkpoints.steps()).length > 0) return;
    await rm(this.path, { recursive: true, force: true });
  }

  /** Removes what a previous run wrote here (only the run's own files and folders). */
  private async clear(): Promise<void> {
    for (const name of Object.values(RUN_FILES)) await rm(join(this.path, name), { recursive: true, force: true });
  }

  async writeConfig(config: unknown): Promise<void> {
    await writeJsonAtomic(this.configPath, config);
  }

  async readConfig(): Promise<unknown> {
    try {
      return JSON.parse(await readFile(this.configPath, 'utf8')) as unknown;
    } catch (cause) {
      throw new SteerableError('bad-run', 'config.json is not valid JSON', { file: this.configPath, cause, hint: 're-run training to regenerate it' });
    }
  }

  /** Appends one metrics record as one line. Records keep call order; `flush` waits for them. */
  appendMetrics(record: MetricsRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    this.pendingMetrics = this.pendingMetrics.then(() => appendFile(this.metricsPath, line));
    return this.pendingMetrics;
  }

  flush(): Promise<void> {
    return this.pendingMetrics;
  }

  /**
   * On resume from step N: drops the records an interrupted run logged after N, so the file
   * reads as one uninterrupted run with each step once.
   */
  async truncateMetricsAfter(step: number): Promise<void> {
    await this.flush();
    let text: string;
    try {
      text = await readFile(this.metricsPath, 'utf8');
    } catch {
      return;
    }
    const kept = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .filter((line) => {
        try {
          return (JSON.parse(line) as { step?: number }).step! <= step;
        } catch {
          // A torn last line from a killed process is dropped with the rest of the interrupted tail.
          return false;
        }
      });
    await writeFileAtomic(this.metricsPath, kept.length ? `${kept.join('\n')}\n` : '');
  }

  async readMetrics(): Promise<MetricsRecord[]> {
    let text: string;
    try {
      text = await readFile(this.metricsPath, 'utf8');
    } catch {
      return [];
    }
    const records: MetricsRecord[] = [];
    text.split('\n').forEach((line, index) => {
      if (!line.trim()) return;
      try {
        records.push(JSON.parse(line) as MetricsRecord);
      } catch (cause) {
        throw new SteerableError('bad-run', 'a metrics line is not valid JSON', {
          file: this.metricsPath,
          line: index + 1,
          cause,
          hint: 'remove the damaged line',
        });
      }
    });
    return records;
  }

  /** Records a training session (start or resume): backend, threads and versions it ran with. */
  async recordSession(session: RunSession): Promise<void> {
    await appendFile(
      join(this.path, RUN_FILES.sessions),
      `${JSON.stringify({ ...session, resumed_from: session.resumed_from === null ? null : this.relativePath(session.resumed_from) })}\n`,
    );
  }

  async readSessions(): Promise<RunSession[]> {
    try {
      const text = await readFile(join(this.path, RUN_FILES.sessions), 'utf8');
      return text
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as RunSession);
    } catch {
      return [];
    }
  }

  /** A run continued past a finished state is no longer finished until it writes a new summary. */
  async clearSummary(): Promise<void> {
    await rm(this.summaryPath, { force: true });
  }

  async writeSummary(summary: RunSummary): Promise<void> {
    await this.flush();
    await writeJsonAtomic(this.summaryPath, summary);
  }

  async readSummary(): Promise<RunSummary | null> {
    try {
      return JSON.parse(await readFile(this.summaryPath, 'utf8')) as RunSummary;
    } catch {
      return null;
    }
  }

  /** A path elsewhere (another run this one depends on) as stored in this run: relative to it. */
  relativePath(target: string): string {
    return relative(this.path, resolve(target)) || '.';
  }

  /** A path stored in this run (relative to it, or absolute from older runs) as an absolute path. */
  resolvePath(stored: string): string {
    return isAbsolute(stored) ? stored : resolve(this.path, stored);
  }

  async listFiles(): Promise<string[]> {
    return readdir(this.path);
  }
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
