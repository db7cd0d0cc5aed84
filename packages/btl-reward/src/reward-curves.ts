import * as tf from '@tensorflow/tfjs';
import { SteerableError } from '@steerable/core';
import { type EmbeddedPairSet, type SplitName, buildTaskBatch, evaluationTaskSet } from '@steerable/preference-data';
import type { RewardModel } from './models/reward-model.js';

export interface RewardCurveOptions {
  /** Context sizes to condition on. */
  ks: number[];
  /** Option values y at which r(y) is read (default: 51 evenly spaced points over [0, 1]). */
  grid?: number[];
  /** Contexts per user type and k whose curves are averaged (default 20). */
  contextsPerUser?: number;
  split?: SplitName;
  /** Seeds the contexts exactly as the evaluation tasks with the same seed and numTargets do. */
  seed?: number;
  numTargets?: number;
  /** The true reward of each user type, when known (the paper's synthetic data): it is standardised the same way. */
  trueRewards?: Record<string, (y: number) => number>;
}

/** The learned reward curve of one user type from k context pairs, averaged over contexts. */
export interface RewardCurve {
  user: string;
  k: number;
  /** Standardised r(y) per grid point: mean over contexts. */
  mean: number[];
  /** Its standard error over contexts (0 with one context). */
  sem: number[];
  /** Contexts averaged. */
  n: number;
  /** Root-mean-square gap to the standardised true curve over the grid, when the truth is known. */
  rmse?: number;
}

export interface RewardCurves {
  grid: number[];
  /**
   * Rewards are identified only up to an added constant (the Bradley-Terry likelihood sees
   * differences) and the true rewards' scale means nothing to deterministic choices, so each curve
   * is standardised over the grid (mean 0, standard deviation 1) before averaging and comparing.
   */
  normalisation: 'standardised-over-grid';
  /** The standardised true curve per user type, when known. */
  truth?: Record<string, number[]>;
  curves: RewardCurve[];
}

export const DEFAULT_REWARD_CURVE_GRID: readonly number[] = Array.from({ length: 51 }, (_, i) => i / 50);

/** (v - mean) / std over the array; all zeros for a constant array. */
export function standardise(values: readonly number[]): number[] {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  return values.map((v) => (std > 1e-12 ? (v - mean) / std : 0));
}

/**
 * The learned reward r(y; z_C) of each user type on a grid of scalar options, for data whose
 * options are scalars (embedding size 1, like the paper's synthetic experiment): for each k, the
 * contexts are k of that user type's labels from `split` (the evaluation tasks' contexts for the
 * same seed), and the curve is averaged over contexts after standardising each (see
 * RewardCurves.normalisation). Models that ignore the context give the same curve for every type.
 */
export async function rewardCurves(model: RewardModel, set: EmbeddedPairSet, options: RewardCurveOptions): Promise<RewardCurves> {
  if (set.dim !== 1 || model.config.inputDim !== 1) {
    throw new SteerableError('invalid-argument', `reward curves need scalar options (embedding size 1), the data has ${set.dim}`, {
      field: 'data',
      hint: "reward curves are for 1-D data such as the paper's synthetic set",
    });
  }
  const grid = [...(options.grid ?? DEFAULT_REWARD_CURVE_GRID)];
  const contextsPerUser = options.contextsPerUser ?? 20;
  const curves: RewardCurve[] = [];
  const truth = options.trueRewards ? Object.fromEntries(Object.entries(options.trueRewards).map(([user, r]) => [user, standardise(grid.map(r))])) : undefined;
  for (const k of options.ks) {
    const { tasks } = evaluationTaskSet(set, {
      split: options.split ?? 'test',
      contextSize: k,
      numTargets: options.numTargets ?? 1,
      tasksPerUser: contextsPerUser,
      seed: options.seed ?? 0,
      tooFewLabels: 'skip',
    });
    const batch = buildTaskBatch(set, tasks);
    const b = tasks.length;
    const rewards = model.inEvalMode(() =>
      tf.tidy(() => {
        const gridRows = tf.tile(tf.tensor(Float32Array.from(grid), [1, grid.length, 1]), [b, 1, 1]);
        const context = { chosen: tf.tensor(batch.contextChosen, [b, k, 1]), rejected: tf.tensor(batch.contextRejected, [b, k, 1]) };
        return model.optionRewards(gridRows, context);
      }),
    );
    const values = await rewards.data();
    rewards.dispose();
    const byUser = new Map<string, number[][]>();
    tasks.forEach((task, i) => {
      if (!byUser.has(task.user)) byUser.set(task.user, []);
      byUser.get(task.user)!.push(standardise(Array.from(values.subarray(i * grid.length, (i + 1) * grid.length))));
    });
    for (const [user, rows] of byUser) {
      const n = rows.length;
      const mean = grid.map((_, g) => rows.reduce((s, r) => s + r[g]!, 0) / n);
      const sem = grid.map((_, g) => (n < 2 ? 0 : Math.sqrt(rows.reduce((s, r) => s + (r[g]! - mean[g]!) ** 2, 0) / (n - 1) / n)));
      const curve: RewardCurve = { user, k, mean, sem, n };
      const target = truth?.[user];
      if (target) curve.rmse = Math.sqrt(mean.reduce((s, v, g) => s + (v - target[g]!) ** 2, 0) / grid.length);
      curves.push(curve);
    }
  }
  return { grid, normalisation: 'standardised-over-grid', ...(truth ? { truth } : {}), curves };
}
