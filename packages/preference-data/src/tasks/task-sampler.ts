import { Rng, type RngState, SteerableError } from '@steerable/core';
import type { EmbeddedPairSet } from '../types/embedded-pair-set.js';
import type { SplitName } from '../types/preference-pair.js';
import { buildTaskBatch } from './build-task-batch.js';
import type { Task, TaskBatch } from './task.js';
import { indexLabelsByUser } from './user-label-index.js';

export interface TaskSamplerOptions {
  split: SplitName | SplitName[];
  /** T: target labels per task. */
  numTargets: number;
  /** k, or an inclusive range [min, max] from which each batch draws one k uniformly. */
  contextSize: number | [number, number];
  batchSize: number;
  seed: number;
  /** Tasks per epoch; default: the number of distinct pairs in the split (the original's dataset length). */
  tasksPerEpoch?: number;
  /** What a task's "user" is. Only user labels exist today (a user id or a user type). */
  by?: 'user';
  /** Replay the same task sequence every epoch (the original's behaviour); default false. */
  replayEpochs?: boolean;
  /** Drop a last batch smaller than batchSize; default false. */
  dropLast?: boolean;
  /**
   * Draw the k context labels among the T targets, so the loss also covers the context pairs (the
   * usual neural-process episode, and the original code's). Default false: disjoint, k + T labels.
   * Evaluation is unaffected: it always scores targets disjoint from the context.
   */
  targetsIncludeContext?: boolean;
}

/** Where a sampler is: the epoch, the next batch to draw, and the RNG state to draw it with. */
export interface TaskSamplerState {
  epoch: number;
  nextBatch: number;
  rng: RngState;
}

/**
 * Draws training tasks: per batch one k from the context range; per task one user uniformly among
 * the users with enough labels in the split, then k + T distinct labels of that user (the first k
 * are the context, the rest the targets, so they are disjoint by construction), or, with
 * `targetsIncludeContext`, T labels of which the first k are also the context.
 *
 * Each epoch has its own RNG stream derived from (seed, epoch), so epochs differ unless
 * `replayEpochs` is set, and `state()` / `setState()` resume mid-epoch exactly.
 */
export class TaskSampler {
  readonly users: string[];
  /** Users left out because they have fewer than kMax + T labels in the split. */
  readonly skippedUsers: { user: string; labels: number }[];
  readonly tasksPerEpoch: number;
  readonly numBatches: number;
  private readonly labelsByUser: Map<string, number[]>;
  private readonly kMin: number;
  private readonly kMax: number;
  private cursor: TaskSamplerState | undefined;
  private resumeFrom: TaskSamplerState | undefined;

  constructor(
    private readonly set: EmbeddedPairSet,
    private readonly options: TaskSamplerOptions,
  ) {
    const { numTargets, batchSize } = options;
    [this.kMin, this.kMax] = typeof options.contextSize === 'number' ? [options.contextSize, options.contextSize] : options.contextSize;
    if (!Number.isInteger(this.kMin) || !Number.isInteger(this.kMax) || this.kMin < 0 || this.kMax < this.kMin) {
      throw new SteerableError(
        'invalid-argument',
        `contextSize ${JSON.stringify(options.contextSize)} must be an integer k >= 0 or a range [min, max] with 0 <= min <= max`,
        { field: 'contextSize', hint: 'e.g. contextSize: [0, 10]' },
      );
    }
    if (!Number.isInteger(numTargets) || numTargets < 1)
      throw new SteerableError('invalid-argument', `numTargets ${numTargets} must be a positive integer`, {
        field: 'numTargets',
        hint: 'the paper uses T = 20',
      });
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new SteerableError('invalid-argument', `batchSize ${batchSize} must be a positive integer`, {
        field: 'batchSize',
        hint: 'the paper uses 64 tasks per batch',
      });
    const index = indexLabelsByUser(set, options.split);
    if (options.targetsIncludeContext && this.kMax > numTargets) {
      throw new SteerableError(
        'invalid-argument',
        `with targetsIncludeContext the context (k up to ${this.kMax}) is drawn from the ${numTargets} targets, so k cannot exceed T`,
        { field: 'contextSize', hint: 'lower the context size range or raise numTargets' },
      );
    }
    const needed = options.targetsIncludeContext ? numTargets : this.kMax + numTargets;
    this.labelsByUser = index.labelsByUser;
    this.users = index.users.filter((user) => index.labelsByUser.get(user)!.length >= needed);
    this.skippedUsers = index.users
      .filter((user) => index.labelsByUser.get(user)!.length < needed)
      .map((user) => ({ user, labels: index.labelsByUser.get(user)!.length }));
    if (this.users.length === 0) {
      throw new SteerableError(
        'not-enough-labels',
        `no user has the ${needed} labels (${options.targetsIncludeContext ? `T ${numTargets}` : `k max ${this.kMax} + T ${numTargets}`}) a task needs in split ${JSON.stringify(options.split)}; ${index.users.length} users have fewer`,
        {
          field: 'split',
          hint: 'lower numTargets or the context size range, or use a split with more labels per user',
        },
      );
    }
    this.tasksPerEpoch = options.tasksPerEpoch ?? index.numPairs;
    if (!Number.isInteger(this.tasksPerEpoch) || this.tasksPerEpoch < 1)
      throw new SteerableError('invalid-argument', `tasksPerEpoch ${this.tasksPerEpoch} must be a positive integer`, { field: 'tasksPerEpoch' });
    this.numBatches = options.dropLast ? Math.floor(this.tasksPerEpoch / batchSize) : Math.ceil(this.tasksPerEpoch / batchSize);
  }

  /** The batches of one epoch, gathered into dense arrays. */
  *epoch(epochIndex: number): Iterable<TaskBatch> {
    for (const tasks of this.epochTasks(epochIndex)) yield buildTaskBatch(this.set, tasks);
  }

  /** The tasks of one epoch, batch by batch, without gathering embeddings. */
  *epochTasks(epochIndex: number): Iterable<Task[]> {
    let rng: Rng;
    let first = 0;
    if (this.resumeFrom && this.resumeFrom.epoch === epochIndex) {
      rng = Rng.fromState(this.resumeFrom.rng);
      first = this.resumeFrom.nextBatch;
      this.resumeFrom = undefined;
    } else {
      rng = new Rng(`${this.options.seed}/epoch/${this.options.replayEpochs ? 0 : epochIndex}`);
    }
    this.cursor = { epoch: epochIndex, nextBatch: first, rng: rng.state() };
    for (let batchIndex = first; batchIndex < this.numBatches; batchIndex++) {
      const size = Math.min(this.options.batchSize, this.tasksPerEpoch - batchIndex * this.options.batchSize);
      const tasks = this.drawBatch(rng, size);
      this.cursor = { epoch: epochIndex, nextBatch: batchIndex + 1, rng: rng.state() };
      yield tasks;
    }
  }

  /** The position after the last batch handed out (save it with the checkpoint). */
  state(): TaskSamplerState {
    if (!this.cursor) return { epoch: 0, nextBatch: 0, rng: new Rng(`${this.options.seed}/epoch/0`).state() };
    return { ...this.cursor, rng: [...this.cursor.rng] as unknown as RngState };
  }

  /** The next `epoch(state.epoch)` call continues from `state.nextBatch` with the saved RNG. */
  setState(state: TaskSamplerState): void {
    if (!Number.isInteger(state.epoch) || !Number.isInteger(state.nextBatch) || state.nextBatch < 0) {
      throw new SteerableError('invalid-argument', `sampler state ${JSON.stringify(state)} is malformed`, {
        field: 'sampler',
        hint: 'restore the state saved by TaskSampler.state()',
      });
    }
    Rng.fromState(state.rng);
    this.resumeFrom = { epoch: state.epoch, nextBatch: state.nextBatch, rng: [...state.rng] as unknown as RngState };
    this.cursor = this.resumeFrom;
  }

  private drawBatch(rng: Rng, size: number): Task[] {
    const k = rng.int(this.kMin, this.kMax);
    const overlap = this.options.targetsIncludeContext ?? false;
    const count = overlap ? this.options.numTargets : k + this.options.numTargets;
    const tasks: Task[] = [];
    for (let i = 0; i < size; i++) {
      const user = rng.pick(this.users);
      const labels = this.labelsByUser.get(user)!;
      const drawn = rng.sampleIndices(labels.length, count).map((position) => labels[position]!);
      tasks.push({ user, context: drawn.slice(0, k), targets: overlap ? drawn : drawn.slice(k) });
    }
    return tasks;
  }
}
