import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import { generatePaperSynthetic } from '@steerable/preference-data';
import { type RewardModelConfig, type TrainEvent, createRewardModel, evaluateRewardModel, loadRewardModel, trainRewardModel } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'btl-reward-best-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const data = generatePaperSynthetic({ numPairs: 600, seed: 5 });
const TINY: RewardModelConfig = { kind: 'np-btl', inputDim: 1, hiddenDim: 8, numHeads: 2, pairEncoder: 'mlp', initSeed: 2 };
const SAMPLER = { numTargets: 4, contextSize: [0, 3] as [number, number], batchSize: 8, tasksPerEpoch: 40 };
const VALIDATION = { split: 'validation' as const, ks: [0, 2], numTargets: 4, tasksPerUser: 12, seed: 3 };
const BASE = { trainSet: data, sampler: SAMPLER, optimizer: { lr: 3e-3, eps: 3e-5 }, epochs: 4, seed: 1, evaluateEvery: 2, validation: VALIDATION };

const meanAccuracy = async (model: Parameters<typeof evaluateRewardModel>[0]): Promise<number> => {
  const report = await evaluateRewardModel(model, data, VALIDATION);
  return (report.heldout.overall!['0']!.mean + report.heldout.overall!['2']!.mean) / 2;
};

describe('best-on-validation weights (bestModel)', () => {
  // Selecting the *worst* evaluation makes the chosen step an early one, so the test can tell
  // "weights restored" from "weights of the last step".
  it('ends with the weights of the selected evaluation, not the last step, and reports which', async () => {
    const events: TrainEvent[] = [];
    const model = createRewardModel(TINY);
    const before = tf.memory().numTensors;
    const result = await trainRewardModel({
      ...BASE,
      model,
      bestModel: { metric: 'eval/accuracy', greaterIsBetter: false },
      onEvent: (e) => void events.push(e),
    });
    const evals = events.filter((e) => e.type === 'eval');
    expect(evals.map((e) => e.step)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    const values = evals.map((e) => e.metrics['eval/accuracy']!);
    const worst = Math.min(...values);
    expect(result.best).toMatchObject({ metric: 'eval/accuracy', value: worst, step: evals[values.indexOf(worst)]!.step, path: null });
    expect(values.at(-1)).not.toBe(worst);
    expect(await meanAccuracy(model)).toBe(worst);
    expect(evals.filter((e) => e.improved).map((e) => e.step)).toContain(result.best!.step);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('writes checkpoints/best (weights and the record) and leaves step-N for resuming', async () => {
    const model = createRewardModel(TINY);
    const checkpointDir = join(dir, 'written');
    const result = await trainRewardModel({ ...BASE, model, checkpointDir, bestModel: { metric: 'eval/accuracy@k=2' } });
    expect(result.best!.path).toBe(join(checkpointDir, 'best'));
    expect(result.lastCheckpoint).toBe(join(checkpointDir, 'step-20'));
    const manifest = JSON.parse(await readFile(join(checkpointDir, 'best', 'manifest.json'), 'utf8'));
    expect(manifest.extra.best).toEqual({ step: result.best!.step, metric: 'eval/accuracy@k=2', value: result.best!.value });
    expect(manifest.step).toBe(result.best!.step);
    const { model: loaded } = await loadRewardModel(result.best!.path!);
    expect((await evaluateRewardModel(loaded, data, VALIDATION)).heldout.overall!['2']!.mean).toBe(result.best!.value);
    loaded.dispose();
  });

  it('resumes with the best so far: an interrupted run selects what the straight run selects', async () => {
    const straight = createRewardModel(TINY);
    // The worst evaluation comes early, before the interruption, so only the restored record can select it.
    const expected = await trainRewardModel({ ...BASE, model: straight, bestModel: { greaterIsBetter: false } });
    expect(expected.best!.step).toBeLessThan(13);
    const checkpointDir = join(dir, 'resume');
    const controller = new AbortController();
    const first = await trainRewardModel({
      ...BASE,
      model: createRewardModel(TINY),
      checkpointDir,
      bestModel: { greaterIsBetter: false },
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step' && e.step === 13) controller.abort();
      },
    });
    expect(first.aborted).toBe(true);
    const resumed = createRewardModel({ ...TINY, initSeed: 77 });
    const second = await trainRewardModel({ ...BASE, model: resumed, checkpointDir, resumeFrom: first.lastCheckpoint!, bestModel: { greaterIsBetter: false } });
    expect({ step: second.best!.step, value: second.best!.value }).toEqual({ step: expected.best!.step, value: expected.best!.value });
    expect(await meanAccuracy(resumed)).toBe(await meanAccuracy(straight));
  });

  it('refuses a bestModel without validation, and names an unknown metric', async () => {
    await expect(trainRewardModel({ trainSet: data, sampler: SAMPLER, epochs: 1, seed: 0, model: createRewardModel(TINY), bestModel: {} })).rejects.toThrow(
      /bestModel needs validation and evaluateEvery/,
    );
    await expect(trainRewardModel({ ...BASE, epochs: 1, model: createRewardModel(TINY), bestModel: { metric: 'eval/accuracy@k=7' } })).rejects.toThrow(
      /'eval\/accuracy@k=7' is not one that validation reports.*eval\/accuracy@k=2/s,
    );
  });
});
