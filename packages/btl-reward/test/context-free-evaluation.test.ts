import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import { generatePaperSynthetic } from '@steerable/preference-data';
import { type EvalReport, type PairTensors, type RewardModel, createRewardModel, evaluateRewardModel, trainRewardModel } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const data = generatePaperSynthetic({ numPairs: 800, seed: 7 });
const OPTIONS = { split: 'validation' as const, ks: [0, 1, 3, 5], numTargets: 6, tasksPerUser: 30, seed: 2, calibration: true };

/** Counts the option rows each forward pass scores. */
function countRows(model: RewardModel): { rows: number } {
  const counter = { rows: 0 };
  const forward = model.forward.bind(model);
  model.forward = (batch: PairTensors, options) => {
    counter.rows += batch.targetChosen.shape[0]! * batch.targetChosen.shape[1]!;
    return forward(batch, options);
  };
  return counter;
}

/** The same model seen as one that uses its context: evaluateRewardModel then scores task by task. */
function asContextUser(model: RewardModel): RewardModel {
  return new Proxy(model, { get: (target, key) => (key === 'usesContext' ? true : Reflect.get(target, key, target)) });
}

function expectSameReport(a: EvalReport, b: EvalReport): void {
  for (const section of ['heldout', 'all_targets'] as const) {
    expect(Object.keys(a[section])).toEqual(Object.keys(b[section]));
    for (const [user, byK] of Object.entries(a[section])) {
      for (const [k, stat] of Object.entries(byK)) {
        const other = b[section][user]![k]!;
        expect(stat.n, `${section} ${user} k=${k}`).toBe(other.n);
        expect(stat.mean, `${section} ${user} k=${k}`).toBe(other.mean);
        expect(stat.sem).toBeCloseTo(other.sem, 12);
      }
    }
  }
  for (const [user, byK] of Object.entries(a.calibration!)) {
    for (const [k, report] of Object.entries(byK)) {
      expect(report.nll, `calibration ${user} k=${k}`).toBeCloseTo(b.calibration![user]![k]!.nll, 5);
      expect(report.ece).toBeCloseTo(b.calibration![user]![k]!.ece, 5);
    }
  }
}

describe('evaluating a model that ignores the context', () => {
  it.each(['btl', 'dpl'] as const)('%s: scores each labelled pair once and reports what task-by-task scoring reports', async (kind) => {
    const model = createRewardModel({ kind, inputDim: 1, hiddenDim: 16, initSeed: 4 });
    // A few steps so BatchNorm's running statistics and the weights are not the initial ones.
    await trainRewardModel({
      model,
      trainSet: data,
      sampler: { numTargets: 6, contextSize: 0, batchSize: 8, tasksPerEpoch: 48 },
      optimizer: { lr: 1e-2 },
      epochs: 2,
      seed: 1,
    });
    const byTask = asContextUser(model);
    const taskRows = countRows(byTask);
    const expected = await evaluateRewardModel(byTask, data, OPTIONS);
    const rowsByTask = taskRows.rows;
    const labelRows = countRows(model);
    const before = tf.memory().numTensors;
    const report = await evaluateRewardModel(model, data, OPTIONS);
    expect(tf.memory().numTensors).toBe(before);
    expectSameReport(report, expected);
    // Not every k at 0.5: the comparison above would pass for a constant model.
    expect(report.heldout.overall!['0']!.mean).not.toBe(0.5);
    // Task by task: 2 users x 30 tasks x (6 + k) targets for each k; by label: at most the labels those tasks use, once.
    expect(rowsByTask).toBe(2 * 30 * (4 * 6 + 0 + 1 + 3 + 5));
    expect(labelRows.rows).toBeLessThanOrEqual(2 * 30 * (6 + 5) + 63);
    model.dispose();
  });

  it('leaves models that use the context (and prepare no targets) to task-by-task scoring', async () => {
    const model = createRewardModel({ kind: 'vpl', inputDim: 1, hiddenDim: 8, initSeed: 1 });
    const rows = countRows(model);
    await evaluateRewardModel(model, data, OPTIONS);
    expect(rows.rows).toBe(2 * 30 * (4 * 6 + 0 + 1 + 3 + 5));
    model.dispose();
  });
});
