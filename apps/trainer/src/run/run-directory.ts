import { appendFile, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CheckpointDirectory, SteerableError, writeFileAtomic, writeJsonAtomic } from '@steerable/core';

/**
 * A run directory, the one place a training run writes:
 *   config.json      the resolved config (every default explicit)
 *   metrics.jsonl    one JSON object per logged step (step, loss, slash-namespaced metrics)
 *   checkpoints/     step-N/ directories and latest.json
 *   final/           the final model (a checkpoint directory)
 */
export class RunDirectory {
  readonly path: string;
  readonly checkpoints: CheckpointDirectory;

  private constructor(path: string) {
    this.path = resolve(path);
    this.checkpoints = new CheckpointDirectory(join(this.path, 'checkpoints'));
  }

  get configPath(): string {
    return join(this.path, 'config.json');
  }
  get metricsPath(): string {
    return join(this.path, 'metrics.jsonl');
  }
  get finalModelPath(): string {
    return join(this.path, 'final');
  }

  /**
   * Opens a run directory for a new run. An existing run is never overwritten silently: the user
   * must pass resume (continue it) or overwrite (start again, replacing it).
   */
  static async create(path: string, options: { resume?: boolean; overwrite?: boolean } = {}): Promise<RunDirectory> {
    const run = new RunDirectory(path);
    const existing = await run.exists();
    if (existing && !options.resume && !options.overwrite) {
      throw new SteerableError('run-exists', `run directory ${run.path} already holds a run (config.json)`, {
        file: run.path,
        hint: 'pass --resume to continue it, --overwrite to start again in the same place, or choose another --out',
      });
    }
    if (!existing && options.resume) {
      throw new SteerableError('run-missing', `cannot resume: ${run.path} holds no run (no config.json)`, { file: run.path, hint: 'drop --resume to start a new run there' });
    }
    await mkdir(run.path, { recursive: true });
    if (existing && options.overwrite && !options.resume) await writeFile(run.metricsPath, '');
    return run;
  }

  /** Opens an existing run for reading (evaluation). */
  static async open(path: string): Promise<RunDirectory> {
    const run = new RunDirectory(path);
    if (!(await run.exists())) {
      throw new SteerableError('run-missing', `${run.path} is not a run directory (no config.json)`, {
        file: run.path,
        hint: 'point --run at a directory written by steerable-train (it holds config.json, metrics.jsonl and final/)',
      });
    }
    return run;
  }

  async exists(): Promise<boolean> {
    try {
      await stat(this.configPath);
      return true;
    } catch {
      return false;
    }
  }

  async writeConfig(config: unknown): Promise<void> {
    await writeJsonAtomic(this.configPath, config);
  }

  async readConfig<T = unknown>(): Promise<T> {
    try {
      return JSON.parse(await readFile(this.configPath, 'utf8')) as T;
    } catch (cause) {
      throw new SteerableError('bad-run', 'config.json is not valid JSON', { file: this.configPath, cause, hint: 're-run training to regenerate it' });
    }
  }

  /** Appends one metrics record. Each record is one line written in a single append. */
  async appendMetrics(record: { step: number; loss?: number; [key: string]: unknown }): Promise<void> {
    await appendFile(this.metricsPath, `${JSON.stringify(record)}\n`);
  }

  /**
   * On resume from step N: drop metric records logged after N by the interrupted run, so the
   * file reads as one uninterrupted run.
   */
  async truncateMetricsAfter(step: number): Promise<void> {
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
          return false;
        }
      });
    await writeFileAtomic(this.metricsPath, kept.length ? `${kept.join('\n')}\n` : '');
  }

  async readMetrics(): Promise<Array<Record<string, unknown>>> {
    try {
      const text = await readFile(this.metricsPath, 'utf8');
      return text
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    } catch {
      return [];
    }
  }

  async listFiles(): Promise<string[]> {
    return readdir(this.path);
  }
}
