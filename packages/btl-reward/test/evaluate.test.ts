import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import { generatePaperSynthetic } from '@steerable/preference-data';
import type { ContextSet } from '@steerable/np-encoder';
import {
  type PairTensors,
  RewardModel,
  type RewardModelOutput,
  createRewardModel,
  evaluateRewardModel,
  resolveRewardModelConfig,
  summarise,
} from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/**
 * A probe, not a reward model: it answers "correct" for a target pair unless that pair's chosen
 * option also appears in the task's context. Any overlap between the held-out targets and the
 * context shows up as a held-out accuracy below 1.
 */
class OverlapProbe extends RewardModel {
  readonly config = resolveRewardModelConfig({ kind: 'btl', inputDim: 1 });
  get usesContext(): boolean {
    return true;
  }
  forward(batch: PairTensors): RewardModelOutput {
    const [b, t] = batch.targetChosen.shape as [number, number, number];
    const k = batch.contextChosen.shape[1]!;
    const targets = batch.targetChosen.dataSync();
    const context = batch.contextChosen.dataSync();
    const logits = new Float32Array(b * t);
    for (let i = 0; i < b; i++) {
      const seen = new Set(Array.from(context.subarray(i * k, i * k + k)));
      for (let j = 0; j < t; j++) logits[i * t + j] = seen.has(targets[i * t + j]!) ? -1 : 1;
    }
    return { logits: tf.tensor(logits, [b, t]), regularizer: null };
  }
  inferUser(_context: ContextSet): null {
    return null;
  }
  get userDim(): null {
    return null;
  }
  rewardsForUser(options: tf.Tensor): tf.Tensor {
    return tf.zeros(options.shape.slice(0, 2));
  }
}

const data = generatePaperSynthetic({ numPairs: 2000, seed: 1 });

describe('evaluateRewardModel', () => {
  it('held-out targets are exactly disjoint from the context; all_targets includes the context pairs', async () => {
    const report = await evaluateRewardModel(new OverlapProbe(), data, { ks: [0, 1, 3, 10], numTargets: 20, tasksPerUser: 30, modelName: 'probe' });
    expect(report.model).toBe('probe');
    expect(report.k).toEqual([0, 1, 3, 10]);
    expect(Object.keys(report.heldout).sort()).toEqual(['moderation', 'more-is-better', 'overall']);
    for (const k of ['0', '1', '3', '10']) {
      expect(report.heldout.overall![k]).toEqual({ mean: 1, sem: 0, n: 60 });
      expect(report.heldout.moderation![k]!.n).toBe(30);
      // Every context pair is scored as "seen": all_targets = T / (T + k) exactly.
      expect(report.all_targets.overall![k]!.mean).toBeCloseTo(20 / (20 + Number(k)), 10);
    }
  });

  it('reports accuracies in [0, 1] with mean +- sem over tasks for a real model, the same for every k without context', async () => {
    const model = createRewardModel({ kind: 'btl', inputDim: 1, hiddenDim: 8 });
    const report = await evaluateRewardModel(model, data, { ks: [0, 5], tasksPerUser: 10 });
    const a = report.heldout.overall!['0']!;
    expect(a.mean).toBeGreaterThanOrEqual(0);
    expect(a.mean).toBeLessThanOrEqual(1);
    // BTL ignores the context and the targets are the same for every k.
    expect(report.heldout.overall!['5']).toEqual(a);
    expect(model.training).toBe(true);
  });

  it('summarise: sem is the sample standard deviation over sqrt(n)', () => {
    // values 0.5, 0.75, 1: mean 0.75, sample variance ((0.25^2)*2)/2 = 0.0625, sem = 0.25 / sqrt(3)
    const s = summarise([0.5, 0.75, 1]);
    expect(s.mean).toBeCloseTo(0.75, 12);
    expect(s.sem).toBeCloseTo(0.25 / Math.sqrt(3), 12);
    expect(s.n).toBe(3);
  });
});
