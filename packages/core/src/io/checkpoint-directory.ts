import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SteerableError } from '../errors.js';
import { removeDirectory } from './atomic-directory.js';
import { TEMPORARY_NAME, writeJsonAtomic } from './atomic-write.js';
import { loadCheckpoint, saveCheckpoint, type SaveCheckpointInput, verifyCheckpoint } from './checkpoint.js';
import { type CheckpointContents, type CheckpointWarning, isDamagedCheckpointError, type LoadCheckpointOptions } from './checkpoint-contents.js';

export interface CheckpointDirectoryOptions {
  /** How many `step-N/` checkpoints to keep (default 3; 0 keeps all). Keep 2 or more so a damaged newest one has a fallback. */
  keepLast?: number;
  /** Receives every warning (damaged checkpoint skipped, stale temporary removed, unverified version 1). */
  onWarning?: (warning: CheckpointWarning) => void;
}

/** A checkpoint found good, with what was skipped on the way to it. */
export interface LoadedCheckpoint {
  dir: string;
  contents: CheckpointContents;
  /** Damaged newer checkpoints that were skipped (each names its damaged file), then the chosen one's own warnings. */
  warnings: CheckpointWarning[];
}

/**
 * A run's `checkpoints/` folder: `step-N/` directories, `best/` (best on validation) with the
 * best it replaced in `best-previous/`, and `latest.json` naming the newest step for people
 * (readers scan the `step-N/` folders instead, so a crash between the checkpoint's rename and the
 * pointer's cannot hide the newest). Every checkpoint is written atomically with checksums; the
 * readers verify them and fall back, newest first, past damaged ones, reporting each.
 */
export class CheckpointDirectory {
  readonly keepLast: number;
  private readonly onWarning: ((warning: CheckpointWarning) => void) | undefined;

  constructor(
    readonly root: string,
    options: number | CheckpointDirectoryOptions = {},
  ) {
    const resolved = typeof options === 'number' ? { keepLast: options } : options;
    this.keepLast = resolved.keepLast ?? 3;
    this.onWarning = resolved.onWarning;
  }

  stepDir(step: number): string {
    return join(this.root, `step-${step}`);
  }

  /** Where the best-on-validation weights live (see `saveBest`). */
  get bestDir(): string {
    return join(this.root, 'best');
  }

  /** The best that `best/` replaced, kept as its fallback. */
  get previousBestDir(): string {
    return join(this.root, 'best-previous');
  }

  async save(input: SaveCheckpointInput): Promise<string> {
    await this.removeStaleTemporaries();
    const dir = this.stepDir(input.step);
    await saveCheckpoint(dir, input);
    await writeJsonAtomic(join(this.root, 'latest.json'), { step: input.step, path: `step-${input.step}` });
    await this.prune();
    return dir;
  }

  /**
   * Replaces `best/` with the weights that scored best on validation, by the same atomic rules;
   * the best it replaces moves to `best-previous/`. Neither is pruned, so evaluation can pick
   * `best/` while resume keeps using the newest step.
   */
  async saveBest(input: SaveCheckpointInput): Promise<string> {
    await this.removeStaleTemporaries();
    await saveCheckpoint(this.bestDir, input, { keepPreviousAs: this.previousBestDir });
    return this.bestDir;
  }

  /**
   * The newest checkpoint that verifies (sizes and checksums), or null when there is none.
   * Damaged ones are skipped with a warning; if every checkpoint is damaged, throws
   * `no-valid-checkpoint` rather than let a resume silently start over.
   */
  async latest(options: LoadCheckpointOptions = {}): Promise<string | null> {
    const found = await this.firstGood(await this.stepDirsNewestFirst(), options, async (dir, inner) => {
      await verifyCheckpoint(dir, inner);
      return dir;
    });
    return found?.value ?? null;
  }

  /** Loads the newest good checkpoint, falling back past damaged ones (each reported), or null when there is none. */
  async loadLatest(options: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint | null> {
    const found = await this.firstGood(await this.stepDirsNewestFirst(), options, (dir, inner) => loadCheckpoint(dir, inner));
    return found ? { dir: found.dir, contents: found.value, warnings: found.warnings } : null;
  }

  /** `best/` if it verifies, else `best-previous/` (with a warning naming best/'s damaged file), else null. */
  async best(options: LoadCheckpointOptions = {}): Promise<string | null> {
    const found = await this.firstGood(await this.bestDirs(), options, async (dir, inner) => {
      await verifyCheckpoint(dir, inner);
      return dir;
    });
    return found?.value ?? null;
  }

  /** Loads `best/`, or `best-previous/` when best/ is damaged (reported), or null when training never selected one. */
  async loadBest(options: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint | null> {
    const found = await this.firstGood(await this.bestDirs(), options, (dir, inner) => loadCheckpoint(dir, inner));
    return found ? { dir: found.dir, contents: found.value, warnings: found.warnings } : null;
  }

  async steps(): Promise<number[]> {
    return (await this.entries())
      .map((n) => /^step-(\d+)$/.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  /**
   * Deletes leftovers of interrupted writes (hidden `.step-N.<hex>.tmp` directories and the like),
   * reporting each. Only this run's writer should call it: a concurrent writer's work in
   * progress looks the same.
   */
  async removeStaleTemporaries(): Promise<string[]> {
    const stale = (await this.entries()).filter((name) => TEMPORARY_NAME.test(name));
    for (const name of stale) {
      const path = join(this.root, name);
      await rm(path, { recursive: true, force: true });
      this.warn({}, { code: 'stale-temporary', message: `removed ${path}, left by an interrupted checkpoint write`, checkpoint: this.root, file: path });
    }
    return stale.map((name) => join(this.root, name));
  }

  private async firstGood<T>(
    dirs: string[],
    options: LoadCheckpointOptions,
    attempt: (dir: string, inner: LoadCheckpointOptions) => Promise<T>,
  ): Promise<{ dir: string; value: T; warnings: CheckpointWarning[] } | null> {
    const warnings: CheckpointWarning[] = [];
    const inner: LoadCheckpointOptions = { onWarning: (warning) => warnings.push(this.warn(options, warning)) };
    const damaged: SteerableError[] = [];
    for (const [i, dir] of dirs.entries()) {
      try {
        const value = await attempt(dir, inner);
        return { dir, value, warnings };
      } catch (error) {
        if (!isDamagedCheckpointError(error)) throw error;
        damaged.push(error);
        const next = dirs[i + 1];
        warnings.push(
          this.warn(options, {
            code: 'damaged-checkpoint',
            message: `${dir} is damaged (${error.message.split('\n')[0]}); ${next ? `falling back to ${next}` : 'no earlier checkpoint is left'}`,
            checkpoint: dir,
            file: error.file ?? dir,
            ...(error.field !== undefined ? { field: error.field } : {}),
            error,
          }),
        );
      }
    }
    if (damaged.length === 0) return null;
    const first = damaged[0]!;
    throw new SteerableError(
      'no-valid-checkpoint',
      `every checkpoint in ${this.root} is damaged (${damaged.length}); the newest: ${first.message.split('\n')[0]}`,
      {
        file: first.file ?? this.root,
        ...(first.field !== undefined ? { field: first.field } : {}),
        hint: 'start the run afresh (without --resume), or restore the checkpoints folder from a backup',
        cause: first,
      },
    );
  }

  private warn(options: LoadCheckpointOptions, warning: CheckpointWarning): CheckpointWarning {
    options.onWarning?.(warning);
    this.onWarning?.(warning);
    return warning;
  }

  private async stepDirsNewestFirst(): Promise<string[]> {
    return (await this.steps()).reverse().map((step) => this.stepDir(step));
  }

  private async bestDirs(): Promise<string[]> {
    const names = await this.entries();
    // best/ missing beside best-previous/ means a replacement was interrupted: try it anyway, so the fallback is reported.
    if (names.includes('best-previous')) return [this.bestDir, this.previousBestDir];
    return names.includes('best') ? [this.bestDir] : [];
  }

  private async entries(): Promise<string[]> {
    try {
      return await readdir(this.root);
    } catch {
      return [];
    }
  }

  private async prune(): Promise<void> {
    if (this.keepLast <= 0) return;
    const steps = await this.steps();
    for (const step of steps.slice(0, Math.max(0, steps.length - this.keepLast))) await removeDirectory(this.stepDir(step));
  }
}
