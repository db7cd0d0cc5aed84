import * as tf from '@tensorflow/tfjs';
import { SteerableError } from '@steerable/core';
import { fitLatentProjection } from '@steerable/np-encoder';
import { type EmbeddedPairSet, PAPER_SYNTHETIC_REWARDS, type SplitName, type Task, buildTaskBatch, evaluationTasks } from '@steerable/preference-data';
import { disposePairTensors, taskBatchTensors } from './batch-tensors.js';
import { type CalibrationReport, pairwiseCalibration } from './calibration.js';
import { scoreLabels } from './label-logits.js';
import { evalModeLogits } from './eval-logits.js';
import type { RewardModel } from './models/reward-model.js';
import { type RewardCurves, rewardCurves } from './reward-curves.js';
import { inferUserLatents } from './user-latents.js';

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
  /** With options.calibration: calibration of the held-out predictions per user type and `overall`, by k. */
  calibration?: Record<string, Record<string, CalibrationReport>>;
  /** With options.latents, for models that infer a z: z of test users by true type, and its 2-D projection. */
  latents?: UserLatentsReport;
  /** With options.rewardCurves, for 1-D data: the learned r(y) per user type from k context pairs. */
  reward_curves?: RewardCurves;
}

/** One test task's inferred z. */
export interface UserLatentPoint {
  k: number;
  /** The task's user (its true type). */
  user: string;
  /** z, rounded to 5 significant digits to keep eval.json small. */
  z: number[];
  /** Its coordinates on the two principal axes fitted to every point of every k. */
  xy: [number, number];
}

export interface UserLatentsReport {
  method: 'pca';
  /** Share of the variance of z along each principal axis. */
  explained_variance_ratio: [number, number];
  points: UserLatentPoint[];
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
  /** Also report calibration (NLL, Brier, ECE, reliability bins) of the held-out predictions per k. */
  calibration?: boolean | { numBins?: number };
  /** Also report z for the first `perUser` test tasks per user at these ks (default 1 and 10; 50 per user), models with a z only. */
  latents?: boolean | { ks?: number[]; perUser?: number };
  /**
   * Also report learned reward curves (1-D data only; skipped otherwise): the evaluation's ks
   * unless given, `contextsPerUser` contexts each (default 20). The paper's synthetic data get
   * their true curves alongside.
   */
  rewardCurves?: boolean | { ks?: number[]; contextsPerUser?: number; gridSize?: number };
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
    throw new SteerableError('invalid-argument', `the data has embedding size ${set.dim}, the model expects ${model.config.inputDim}`, {
      field: 'data',
      hint: 'evaluate on data embedded with the featurizer the model was trained with',
    });
  }
  const heldout: Record<string, AccuracyByK> = {};
  const allTargets: Record<string, AccuracyByK> = {};
  const calibration: Record<string, Record<string, CalibrationReport>> = {};
  const numBins = typeof options.calibration === 'object' ? options.calibration.numBins : undefined;
  // A model that ignores the context gives a labelled pair the same logit in every task and at
  // every k (the targets are the same pairs for every k): each pair is scored once, not 5 x (T + k) times.
  const labelLogits = model.usesContext ? null : new Map<number, number>();
  const taskLists = ks.map((k) =>
    evaluationTasks(set, { split, contextSize: k, numTargets, tasksPerUser, seed, ...(options.tooFewLabels ? { tooFewLabels: options.tooFewLabels } : {}) }),
  );
  const shared = labelLogits ? null : await scoreTasksSharingTargets(model, set, taskLists, batchSize);
  for (const [index, k] of ks.entries()) {
    const tasks = taskLists[index]!;
    const perTask = shared
      ? shared[index]!
      : labelLogits
        ? await scoreTasksByLabel(model, set, tasks, labelLogits, batchSize)
        : await scoreTasks(model, set, tasks, batchSize);
    if (options.calibration) {
      const byUser = new Map<string, number[]>();
      perTask.forEach((r, i) => {
        const user = tasks[i]!.user;
        if (!byUser.has(user)) byUser.set(user, []);
        byUser.get(user)!.push(...r.heldoutChosenWins);
      });
      for (const [user, values] of byUser) (calibration[user] ??= {})[String(k)] = pairwiseCalibration(values, numBins ? { numBins } : {});
      (calibration.overall ??= {})[String(k)] = pairwiseCalibration(
        perTask.flatMap((r) => r.heldoutChosenWins),
        numBins ? { numBins } : {},
      );
    }
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
  const report: EvalReport = { model: options.modelName ?? model.config.kind, k: [...ks], heldout, all_targets: allTargets };
  if (options.calibration) report.calibration = calibration;
  if (options.latents) {
    const latentOptions = typeof options.latents === 'object' ? options.latents : {};
    const latents = await userLatents(model, set, { ks: latentOptions.ks ?? [1, 10], perUser: latentOptions.perUser ?? 50, split, numTargets, seed });
    if (latents) report.latents = latents;
  }
  if (options.rewardCurves && set.dim === 1) {
    const curveOptions = typeof options.rewardCurves === 'object' ? options.rewardCurves : {};
    const gridSize = curveOptions.gridSize ?? 51;
    report.reward_curves = await rewardCurves(model, set, {
      ks: curveOptions.ks ?? ks,
      grid: Array.from({ length: gridSize }, (_, i) => i / (gridSize - 1)),
      contextsPerUser: curveOptions.contextsPerUser ?? 20,
      split,
      seed,
      numTargets,
      ...(set.embedding?.kind === 'paper-synthetic' ? { trueRewards: PAPER_SYNTHETIC_REWARDS } : {}),
    });
  }
  return report;
}

/**
 * z for the first `perUser` evaluation tasks of each user at each k (the same tasks, so the same
 * users' contexts grow with k), projected on principal axes fitted to all of them. Null for
 * models without a z; ks for which no user has k + T labels are left out.
 */
async function userLatents(
  model: RewardModel,
  set: EmbeddedPairSet,
  options: { ks: number[]; perUser: number; split: SplitName; numTargets: number; seed: number },
): Promise<UserLatentsReport | null> {
  if (!model.usesContext) return null;
  const raw: Array<Omit<UserLatentPoint, 'xy'>> = [];
  for (const k of options.ks) {
    let tasks: Task[];
    try {
      const { split, numTargets, seed } = options;
      tasks = evaluationTasks(set, { split, contextSize: k, numTargets, tasksPerUser: options.perUser, seed, tooFewLabels: 'skip' });
    } catch (error) {
      if (error instanceof SteerableError && error.code === 'not-enough-labels') continue;
      throw error;
    }
    const batch = buildTaskBatch(set, tasks);
    const shape = [tasks.length, k, set.dim];
    const context = { chosen: tf.tensor(batch.contextChosen, shape), rejected: tf.tensor(batch.contextRejected, shape) };
    const z = inferUserLatents(model, context);
    tf.dispose([context.chosen, context.rejected]);
    if (!z) return null;
    const rows = (await z.array()) as number[][];
    z.dispose();
    rows.forEach((row, i) => raw.push({ k, user: tasks[i]!.user, z: row.map((v) => Number(v.toPrecision(5))) }));
  }
  if (raw.length === 0) return null;
  const projection = fitLatentProjection(raw.map((p) => p.z));
  const xy = projection.project(raw.map((p) => p.z));
  return { method: 'pca', explained_variance_ratio: projection.explainedVarianceRatio, points: raw.map((p, i) => ({ ...p, xy: xy[i]! })) };
}

interface TaskScore {
  heldout: number;
  all: number;
  /** sigmoid(logit) of each held-out target: the model's probability that the chosen option wins. */
  heldoutChosenWins: number[];
}

/** Scores targets and context pairs in one pass: the first T logits are held out, all T + k count for all_targets. */
async function scoreTasks(model: RewardModel, set: EmbeddedPairSet, tasks: Task[], batchSize: number): Promise<TaskScore[]> {
  const out: TaskScore[] = [];
  for (let start = 0; start < tasks.length; start += batchSize) {
    const chunk = tasks.slice(start, start + batchSize);
    const asTargets = chunk.map((task) => ({ user: task.user, context: task.context, targets: [...task.targets, ...task.context] }));
    const batch = buildTaskBatch(set, asTargets);
    const values = await evalModeLogits(model, batch);
    const width = batch.numTargets;
    chunk.forEach((task, i) => out.push(taskScore(task.targets.length, width, (j) => values[i * width + j]!)));
  }
  return out;
}

/**
 * scoreTasks at every k at once, for a model that can prepare its targets (NP-BTL): the k lists
 * hold the same tasks (user and targets) in the same order, each context a prefix of the longest
 * one, so each batch of tasks uploads its targets and the longest context's pairs once, prepares
 * them once, and is scored with each k's context. Null when the model cannot, or the lists do not
 * line up (a user skipped at some k): then each k is scored on its own.
 */
async function scoreTasksSharingTargets(model: RewardModel, set: EmbeddedPairSet, taskLists: Task[][], batchSize: number): Promise<TaskScore[][] | null> {
  const longest = taskLists.reduce((a, b) => (b[0]!.context.length > a[0]!.context.length ? b : a));
  const lineUp = taskLists.every(
    (tasks) =>
      tasks.length === longest.length &&
      tasks.every((task, i) => {
        const other = longest[i]!;
        return (
          task.user === other.user &&
          task.targets.every((label, j) => label === other.targets[j]) &&
          task.context.every((label, j) => label === other.context[j])
        );
      }),
  );
  if (taskLists.length < 2 || !lineUp) return null;
  const scores: TaskScore[][] = taskLists.map(() => []);
  for (let start = 0; start < longest.length; start += batchSize) {
    const chunk = longest.slice(start, start + batchSize);
    const asTargets = buildTaskBatch(
      set,
      chunk.map((task) => ({ user: task.user, context: [], targets: [...task.targets, ...task.context] })),
    );
    const targets = taskBatchTensors(asTargets);
    const prepared = model.inEvalMode(() => model.prepareTargets({ chosen: targets.targetChosen, rejected: targets.targetRejected }));
    disposePairTensors(targets);
    if (!prepared) return null;
    try {
      for (const [index, tasks] of taskLists.entries()) {
        const batch = buildTaskBatch(set, tasks.slice(start, start + batchSize));
        const context = taskBatchTensors(batch);
        const width = batch.numTargets + batch.contextSize;
        const logits = model.inEvalMode(() => prepared.logits(width, { chosen: context.contextChosen, rejected: context.contextRejected }));
        disposePairTensors(context);
        const values = await logits.data();
        logits.dispose();
        batch.tasks.forEach((task, i) => scores[index]!.push(taskScore(task.targets.length, width, (j) => values[i * width + j]!)));
      }
    } finally {
      prepared.dispose();
    }
  }
  return scores;
}

/** scoreTasks for a model that ignores the context: each label's logit comes from `cache`, scored (and cached) on first use. */
async function scoreTasksByLabel(model: RewardModel, set: EmbeddedPairSet, tasks: Task[], cache: Map<number, number>, batchSize: number): Promise<TaskScore[]> {
  const missing = new Set<number>();
  for (const task of tasks) for (const label of [...task.targets, ...task.context]) if (!cache.has(label)) missing.add(label);
  const labels = [...missing];
  const logits = await scoreLabels(model, set, labels, batchSize);
  labels.forEach((label, i) => cache.set(label, logits[i]!));
  return tasks.map((task) => {
    const order = [...task.targets, ...task.context];
    return taskScore(task.targets.length, order.length, (j) => cache.get(order[j]!)!);
  });
}

/** Held-out accuracy (the first t of `width` logits), all-target accuracy and the held-out win probabilities of one task. */
function taskScore(t: number, width: number, logitAt: (j: number) => number): TaskScore {
  let held = 0;
  let all = 0;
  const heldoutChosenWins: number[] = [];
  for (let j = 0; j < width; j++) {
    const logit = logitAt(j);
    const v = logit > 0 ? 1 : 0;
    all += v;
    if (j < t) {
      held += v;
      heldoutChosenWins.push(1 / (1 + Math.exp(-logit)));
    }
  }
  return { heldout: held / t, all: all / width, heldoutChosenWins };
}

export function summarise(values: number[]): AccuracyStat {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sem: 0, n };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, sem: Math.sqrt(variance / n), n };
}
