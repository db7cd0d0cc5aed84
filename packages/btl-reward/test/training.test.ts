import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import { generatePaperSynthetic } from '@steerable/preference-data';
import { type RewardModel, type RewardModelConfig, type TrainEvent, createRewardModel, loadRewardModel, trainRewardModel } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'btl-reward-train-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const data = generatePaperSynthetic({ numPairs: 400, seed: 3 });
const TINY: RewardModelConfig = { kind: 'np-btl', inputDim: 1, hiddenDim: 8, numHeads: 2, pairEncoder: 'mlp', initSeed: 1 };
const SAMPLER = { numTargets: 4, contextSize: [0, 3] as [number, number], batchSize: 8, tasksPerEpoch: 40 };

async function weightsOf(model: RewardModel): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const [name, t] of model.stateDict()) out.set(name, Array.from(await t.data()));
  return out;
}

describe('trainRewardModel', () => {
  it('emits start/step/epoch/end events with slash-namespaced metrics and lowers the loss', async () => {
    const events: TrainEvent[] = [];
    const model = createRewardModel(TINY);
    const result = await trainRewardModel({
      model,
      trainSet: data,
      sampler: { ...SAMPLER, tasksPerEpoch: 160 },
      optimizer: { lr: 3e-3, eps: 3e-5 },
      epochs: 3,
      seed: 0,
      onEvent: (e) => void events.push(e),
    });
    expect(result.steps).toBe(60);
    expect(result.totalSteps).toBe(60);
    expect(events[0]!.type).toBe('start');
    expect(events.at(-1)!.type).toBe('end');
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.map((e) => e.step)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(Object.keys(steps[0]!.metrics).sort()).toEqual(['train/accuracy', 'train/learning_rate', 'train/loss']);
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(epochs[2]!.loss).toBeLessThan(epochs[0]!.loss);
    expect(model.training).toBe(false);
  });

  it('does not leak: the tensor count is the same after step 10 and after step 100', async () => {
    const counts = new Map<number, number>();
    const model = createRewardModel({ ...TINY, variant: 'latent', numSamples: 2 });
    await trainRewardModel({
      model,
      trainSet: data,
      sampler: { ...SAMPLER, tasksPerEpoch: 400 },
      epochs: 2,
      seed: 0,
      onEvent: (e) => {
        if (e.type === 'step' && (e.step === 10 || e.step === 100)) counts.set(e.step, tf.memory().numTensors);
      },
    });
    expect(counts.get(10)).toBeGreaterThan(0);
    expect(counts.get(100)).toBe(counts.get(10));
  });

  it('resumes exactly: N steps, stop, resume to M gives the weights of training straight to M', async () => {
    const straight = createRewardModel(TINY);
    await trainRewardModel({ model: straight, trainSet: data, sampler: SAMPLER, epochs: 3, seed: 4 });

    const interrupted = createRewardModel(TINY);
    const controller = new AbortController();
    const first = await trainRewardModel({
      model: interrupted,
      trainSet: data,
      sampler: SAMPLER,
      epochs: 3,
      seed: 4,
      checkpointDir: join(dir, 'resume'),
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step' && e.step === 7) controller.abort(); // mid-epoch (5 steps per epoch)
      },
    });
    expect(first.aborted).toBe(true);
    expect(first.steps).toBe(7);
    interrupted.dispose();

    const resumed = createRewardModel({ ...TINY, initSeed: 99 }); // different init: the checkpoint must overwrite it
    const second = await trainRewardModel({ model: resumed, trainSet: data, sampler: SAMPLER, epochs: 3, seed: 4, resumeFrom: first.lastCheckpoint! });
    expect(second.steps).toBe(15);
    const a = await weightsOf(straight);
    const b = await weightsOf(resumed);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, values] of a) expect(b.get(name), name).toEqual(values);
  });

  it('round-trips a checkpoint: loadRewardModel rebuilds the model from the manifest and scores identically', async () => {
    const model = createRewardModel({ ...TINY, kind: 'dpl' });
    const result = await trainRewardModel({
      model,
      trainSet: data,
      sampler: SAMPLER,
      epochs: 1,
      seed: 0,
      checkpointDir: join(dir, 'roundtrip'),
      checkpointEvery: 2,
    });
    expect(result.lastCheckpoint).toMatch(/step-5$/);
    const { model: loaded, manifest } = await loadRewardModel(result.lastCheckpoint!);
    expect(manifest.step).toBe(5);
    expect(loaded.config).toEqual(model.config);
    const pairs = { chosen: [0.1, 0.9, 0.4], rejected: [0.2, 0.3, 0.45] };
    expect(await loaded.score(pairs)).toEqual(await model.score(pairs));
  });
});
