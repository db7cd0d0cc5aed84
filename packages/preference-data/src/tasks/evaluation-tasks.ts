import { Rng, SteerableError } from '@steerable/core';
import type { EmbeddedPairSet } from '../types/embedded-pair-set.js';
import type { SplitName } from '../types/preference-pair.js';
import type { Task } from './task.js';
import { indexLabelsByUser } from './user-label-index.js';

export interface EvaluationTaskOptions {
  split: SplitName | SplitName[];
  /** k: context labels per task. */
  contextSize: number;
  /** T: target labels per task. */
  numTargets: number;
  tasksPerUser: number;
  seed: number;
  /** What to do with users that have fewer than k + T labels: 'error' (default) or 'skip'. */
  tooFewLabels?: 'error' | 'skip';
}

export interface EvaluationTaskSet {
  tasks: Task[];
  skippedUsers: { user: string; labels: number }[];
}

/**
 * A fixed set of evaluation tasks. For a given seed the targets of task (user, i) are the same
 * for every k: each task shuffles the user's labels with an RNG seeded by (seed, user, i) only,
 * takes the first T as targets and the next k as the context. So accuracy-versus-k curves score
 * the same targets, and the context at k = 3 is a prefix of the context at k = 5.
 */
export function evaluationTaskSet(set: EmbeddedPairSet, options: EvaluationTaskOptions): EvaluationTaskSet {
  const { contextSize: k, numTargets: t, tasksPerUser } = options;
  if (!Number.isInteger(k) || k < 0) throw new SteerableError('invalid-argument', `contextSize ${k} must be an integer >= 0`, { field: 'contextSize' });
  if (!Number.isInteger(t) || t < 1) throw new SteerableError('invalid-argument', `numTargets ${t} must be a positive integer`, { field: 'numTargets' });
  if (!Number.isInteger(tasksPerUser) || tasksPerUser < 1)
    throw new SteerableError('invalid-argument', `tasksPerUser ${tasksPerUser} must be a positive integer`, { field: 'tasksPerUser' });
  const index = indexLabelsByUser(set, options.split);
  const tasks: Task[] = [];
  const skippedUsers: { user: string; labels: number }[] = [];
  for (const user of index.users) {
    const labels = index.labelsByUser.get(user)!;
    if (labels.length < k + t) {
      if (options.tooFewLabels === 'skip') {
        skippedUsers.push({ user, labels: labels.length });
        continue;
      }
      throw new SteerableError(
        'not-enough-labels',
        `user '${user}' has ${labels.length} labels in split ${JSON.stringify(options.split)}, fewer than k + T = ${k + t}`,
        {
          field: 'split',
          hint: "lower contextSize or numTargets, or pass tooFewLabels: 'skip' to leave such users out",
        },
      );
    }
    for (let i = 0; i < tasksPerUser; i++) {
      const order = prefixShuffle(labels, t + k, new Rng(`${options.seed}/${user}/${i}`));
      tasks.push({ user, targets: order.slice(0, t), context: order.slice(t, t + k) });
    }
  }
  if (tasks.length === 0) {
    throw new SteerableError('not-enough-labels', `no user has k + T = ${k + t} labels in split ${JSON.stringify(options.split)}`, {
      field: 'split',
      hint: 'lower contextSize or numTargets',
    });
  }
  return { tasks, skippedUsers };
}

/** The tasks of `evaluationTaskSet` (throws on users with too few labels unless told to skip). */
export function evaluationTasks(set: EmbeddedPairSet, options: EvaluationTaskOptions): Task[] {
  return evaluationTaskSet(set, options).tasks;
}

/**
 * The first `count` entries of a Fisher-Yates shuffle of `items`. Position i depends only on the
 * draws for positions 0..i, so a longer prefix extends a shorter one with the same RNG seed.
 */
function prefixShuffle(items: readonly number[], count: number, rng: Rng): number[] {
  const copy = [...items];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng.uniform() * (copy.length - i));
    const tmp = copy[i]!;
    copy[i] = copy[j]!;
    copy[j] = tmp;
  }
  return copy.slice(0, count);
}
