import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import type { ContextSet } from '@steerable/np-encoder';
import { PAPER_SYNTHETIC_REWARDS, generatePaperSynthetic } from '@steerable/preference-data';
import {
  type PairTensors,
  RewardModel,
  type RewardModelOutput,
  createRewardModel,
  evaluateRewardModel,
  inferUserLatents,
  resolveRewardModelConfig,
  rewardCurves,
  standardise,
} from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const data = generatePaperSynthetic({ numPairs: 1000, seed: 2 });

/**
 * r(y; C) = a(C) * moreIsBetter(y) + b(C), with a scale and an offset that depend on the context:
 * after standardisation every context gives the same curve, the true curve of 'more-is-better'.
 */
class ScaledTruthProbe extends RewardModel {
  readonly config = resolveRewardModelConfig({ kind: 'btl', inputDim: 1 });
  get usesContext(): boolean {
    return true;
  }
  forward(_batch: PairTensors): RewardModelOutput {
    throw new Error('not used');
  }
  /** The "user" is the sum of the context's chosen options, [B, 1] (0 without context). */
  inferUser(context: ContextSet): tf.Tensor {
    const k = context.chosen.shape[1]!;
    return tf.tidy(() => (k ? tf.sum(context.chosen, [1, 2]).reshape([-1, 1]) : tf.zeros([context.chosen.shape[0]!, 1])));
  }
  get userDim(): number {
    return 1;
  }
  rewardsForUser(options: tf.Tensor, user: tf.Tensor | null): tf.Tensor {
    return tf.tidy(() => {
      const y = options.squeeze([-1]);
      const truth = tf.where(tf.less(y, 0.5), y, tf.mul(2, y));
      const contextSum = user ?? tf.zeros([options.shape[0]!, 1]);
      return tf.add(tf.mul(truth, tf.add(1, contextSum)), tf.mul(3, contextSum));
    });
  }
}

describe('rewardCurves', () => {
  it('standardises each context curve, so scale and offset drop out; the gap to the truth is 0 for the right type only', async () => {
    const curves = await rewardCurves(new ScaledTruthProbe(), data, {
      ks: [0, 3],
      contextsPerUser: 5,
      trueRewards: PAPER_SYNTHETIC_REWARDS,
      grid: [0, 0.25, 0.5, 0.75, 1],
    });
    expect(curves.grid).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // more-is-better on the grid: 0, 0.25, 1, 1.5, 2 -> mean 0.95, squared deviations 0.9025 + 0.49 + 0.0025 + 0.3025 + 1.1025 = 2.8, population std sqrt(0.56)
    expect(curves.truth!['more-is-better']![0]).toBeCloseTo(-0.95 / Math.sqrt(0.56), 6);
    expect(curves.curves).toHaveLength(4);
    for (const curve of curves.curves) {
      expect(curve.n).toBe(5);
      curve.sem.forEach((s) => expect(s).toBeLessThan(1e-6));
      expect(curve.mean.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 5);
      if (curve.user === 'more-is-better') expect(curve.rmse).toBeLessThan(1e-5);
      else expect(curve.rmse).toBeGreaterThan(0.5);
    }
  });

  it('refuses data whose options are not scalars', async () => {
    const model = createRewardModel({ kind: 'btl', inputDim: 2, hiddenDim: 4 });
    const wide = { ...data, dim: 2, options: new Float32Array(data.numPairs * 4) };
    await expect(rewardCurves(model, wide, { ks: [0] })).rejects.toThrow(/scalar options/);
    model.dispose();
  });

  it('standardise gives mean 0 and std 1, and zeros for a constant', () => {
    expect(standardise([1, 2, 3])).toEqual([-Math.sqrt(1.5), 0, Math.sqrt(1.5)]);
    expect(standardise([4, 4])).toEqual([0, 0]);
  });
});

describe('evaluateRewardModel extras', () => {
  it('calibration bins hold every held-out prediction and their count-weighted accuracy is the held-out accuracy', async () => {
    const model = createRewardModel({ kind: 'np-btl', inputDim: 1, hiddenDim: 8, numHeads: 2, pairEncoder: 'mlp', initSeed: 4 });
    const before = tf.memory().numTensors;
    const report = await evaluateRewardModel(model, data, {
      ks: [0, 3],
      numTargets: 5,
      tasksPerUser: 6,
      calibration: true,
      latents: { ks: [1, 10], perUser: 4 },
      rewardCurves: { contextsPerUser: 3, gridSize: 11 },
    });
    expect(tf.memory().numTensors).toBe(before);
    for (const k of ['0', '3']) {
      for (const user of ['overall', 'moderation', 'more-is-better']) {
        const calibration = report.calibration![user]![k]!;
        const n = calibration.bins.reduce((s, b) => s + b.count, 0);
        expect(n).toBe(calibration.n);
        expect(n).toBe(report.heldout[user]![k]!.n * 5);
        const accuracy = calibration.bins.reduce((s, b) => s + (b.count ? b.count * b.accuracy! : 0), 0) / n;
        expect(accuracy).toBeCloseTo(report.heldout[user]![k]!.mean, 10);
        expect(calibration.nll).toBeGreaterThan(0);
        expect(calibration.brier).toBeGreaterThan(0);
        expect(calibration.brier).toBeLessThan(1);
      }
    }
    // z: 4 tasks per user type at k = 1 and k = 10, each with its true type and 2-D coordinates.
    const points = report.latents!.points;
    expect(points).toHaveLength(16);
    expect(points.filter((p) => p.k === 10 && p.user === 'moderation')).toHaveLength(4);
    for (const p of points) {
      expect(p.z).toHaveLength(8);
      expect(p.xy.every(Number.isFinite)).toBe(true);
    }
    // The context at k = 10 is not the one at k = 1, so z moves.
    expect(points.find((p) => p.k === 1)!.z).not.toEqual(points.find((p) => p.k === 10)!.z);
    const ratio = report.latents!.explained_variance_ratio;
    expect(ratio[0]).toBeGreaterThanOrEqual(ratio[1]);
    expect(ratio[0] + ratio[1]).toBeLessThanOrEqual(1 + 1e-9);
    const curves = report.reward_curves!;
    expect(curves.grid).toHaveLength(11);
    expect(Object.keys(curves.truth!).sort()).toEqual(['moderation', 'more-is-better']);
    expect(curves.curves.map((c) => `${c.user}@${c.k}`).sort()).toEqual(['moderation@0', 'moderation@3', 'more-is-better@0', 'more-is-better@3']);
    model.dispose();
  });

  it('leaves the extras out unless asked, and BTL has no z to report', async () => {
    const btl = createRewardModel({ kind: 'btl', inputDim: 1, hiddenDim: 8 });
    const plain = await evaluateRewardModel(btl, data, { ks: [0], numTargets: 5, tasksPerUser: 3 });
    expect(Object.keys(plain).sort()).toEqual(['all_targets', 'heldout', 'k', 'model']);
    const asked = await evaluateRewardModel(btl, data, { ks: [0], numTargets: 5, tasksPerUser: 3, latents: true, calibration: true });
    expect(asked.latents).toBeUndefined();
    expect(asked.calibration!.overall!['0']!.n).toBe(30);
    const context = { chosen: tf.zeros([1, 1, 1]), rejected: tf.zeros([1, 1, 1]) };
    expect(inferUserLatents(btl, context)).toBeNull();
    tf.dispose([context.chosen, context.rejected]);
    btl.dispose();
  });
});
