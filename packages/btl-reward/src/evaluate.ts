import * as tf from '@tensorflow/tfjs';
import { SteerableError } from '@steerable/core';
import { type EmbeddedPairSet, type SplitName, type Task, buildTaskBatch, evaluationTasks } from '@steerable/preference-data';
import { disposePairTensors, taskBatchTensors } from './batch-tensors.js';
import type { RewardModel } from './models/reward-model.js';

export interface AccuracyStat {
  /** Mean over tasks of the per-task accuracy, in [0, 1]. */
  mean: number;
  /** Standard error of that mean (sample std / sqrt(n)); 0 when n = 1. */
  sem: number;
  /** Number of tasks. */
  n: number;
}

/** accuracy by k (as a string key, JSON-friendly). */
export type AccuracyByK = Record<string, AccuracyStat>;

/** The eval.json contract of issue 4. */
export interface EvalReport {
  model: string;
  k: number[];
  /** Accuracy on targets disjoint from the context, per user type and `overall`. */
  heldout: Record<string, AccuracyByK>;
  /** Accuracy over targets and the context pairs themselves (labelled as such). */
  all_targets: Record<string, AccuracyByK>;
}

export interface EvaluateOptions {
  split?: SplitName;
  ks?: number[];
  numTargets?: number;
  tasksPerUser?: number;
  seed?: number;
  /** Tasks scored per forward pass. */
  batchSize?: number;
  /** Name written into the report (default: the model kind). */
  modelName?: string;
  /** Users with fewer than k + T labels: 'error' (default) or 'skip'. */
  tooFewLabels?: 'error' | 'skip';
}

export const DEFAULT_EVALUATION = { split: 'test' as SplitName, ks: [0, 1, 3, 5, 10], numTargets: 20, tasksPerUser: 500, seed: 0, batchSize: 64 };

/**
 * Pairwise accuracy versus context size. For each k the same target pairs are scored (the
 * evaluation tasks fix the targets per seed), with k context pairs drawn from the rest of the
 * user's labels, so held-out targets never overlap the context. BatchNorm runs in eval mode.
 */
export async function evaluateRewardModel(model: RewardModel, set: EmbeddedPairSet, options: EvaluateOptions = {}): Promise<EvalReport> {
  const split = options.split ?? DEFAULT_EVALUATION.split;
  const ks = options.ks ?? DEFAULT_EVALUATION.ks;
  const numTargets = options.numTargets ?? DEFAULT_EVALUATION.numTargets;
  const tasksPerUser = options.tasksPerUser ?? DEFAULT_EVALUATION.tasksPerUser;
  const seed = options.seed ?? DEFAULT_EVALUATION.seed;
  const batchSize = options.batchSize ?? DEFAULT_EVALUATION.batchSize;
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 0)) {
    throw new SteerableError('invalid-argument', `ks must be non-negative integers, got ${JSON.stringify(ks)}`, { field: 'k', hint: 'e.g. 0,1,3,5,10' });
  }
  if (set.dim !== model.config.inputDim) {
    throw new SteerableError('invalid-argument', `the data has embedding size ${set.dim}, the model expects ${model.config.inputDim}`, { field: 'data', hint: 'evaluate on data embedded with the featurizer the model was trained with' });
  }
  const heldout: Record<string, AccuracyByK> = {};
  const allTargets: Record<string, AccuracyByK> = {};
  for (const k of ks) {
    const tasks = evaluationTasks(set, { split, contextSize: k, numTargets, tasksPerUser, seed, ...(options.tooFewLabels ? { tooFewLabels: options.tooFewLabels } : {}) });
    const perTask = await scoreTasks(model, set, tasks, batchSize);
    for (const [report, pick] of [
      [heldout, (r: TaskScore) => r.heldout],
      [allTargets, (r: TaskScore) => r.all],
    ] as const) {
      const byUser = new Map<string, number[]>();
      perTask.forEach((r, i) => {
        const user = tasks[i]!.user;
        if (!byUser.has(user)) byUser.set(user, []);
        byUser.get(user)!.push(pick(r));
      });
      for (const [user, values] of byUser) (report[user] ??= {})[String(k)] = summarise(values);
      (report.overall ??= {})[String(k)] = summarise(perTask.map(pick));
    }
  }
  return { model: options.modelName ?? model.config.kind, k: [...ks], heldout, all_targets: allTargets };
}

interface TaskScore {
  heldout: number;
  all: number;
}

/** Scores targets and context pairs in one pass: the first T logits are held out, all T + k count for all_targets. */
async function scoreTasks(model: RewardModel, set: EmbeddedPairSet, tasks: Task[], batchSize: number): Promise<TaskScore[]> {
  const out: TaskScore[] = [];
  for (let start = 0; start < tasks.length; start += batchSize) {
    const chunk = tasks.slice(start, start + batchSize);
    const asTargets = chunk.map((task) => ({ user: task.user, context: task.context, targets: [...task.targets, ...task.context] }));
    const batch = buildTaskBatch(set, asTargets);
    const tensors = taskBatchTensors(batch);
    const correct = model.inEvalMode(() =>
      tf.tidy(() => {
        const output = model.forward(tensors);
        output.regularizer?.dispose();
        return tf.cast(tf.greater(output.logits, 0), 'float32');
      }),
    );
    disposePairTensors(tensors);
    const values = await correct.data();
    correct.dispose();
    const width = batch.numTargets;
    chunk.forEach((task, i) => {
      const t = task.targets.length;
      let held = 0;
      let all = 0;
      for (let j = 0; j < width; j++) {
        const v = values[i * width + j]!;
        all += v;
        if (j < t) held += v;
      }
      out.push({ heldout: held / t, all: all / width });
    });
  }
  return out;
}

export function summarise(values: number[]): AccuracyStat {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sem: 0, n };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, sem: Math.sqrt(variance / n), n };
}
