import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import { generatePaperSynthetic } from '@steerable/preference-data';
import {
  EarlyStopping,
  REWARD_PRESETS,
  type RewardModel,
  type RewardModelConfig,
  type TrainEvent,
  createRewardModel,
  evaluateRewardModel,
  parseRewardRunConfig,
  trainRewardModel,
  trainingOptionsFromConfig,
} from '../src/index.js';

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'btl-reward-early-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const data = generatePaperSynthetic({ numPairs: 600, seed: 5 });
const TINY: RewardModelConfig = { kind: 'np-btl', inputDim: 1, hiddenDim: 8, numHeads: 2, pairEncoder: 'mlp', initSeed: 2 };
const SAMPLER = { numTargets: 4, contextSize: [0, 3] as [number, number], batchSize: 8, tasksPerEpoch: 40 };
const VALIDATION = { split: 'validation' as const, ks: [0, 2], numTargets: 4, tasksPerUser: 12, seed: 3 };
// 5 steps an epoch, 8 epochs: evaluations at steps 2, 4, ..., 40.
const BASE = {
  trainSet: data,
  sampler: SAMPLER,
  optimizer: { lr: 3e-3, eps: 3e-5 },
  epochs: 8,
  seed: 1,
  evaluateEvery: 2,
  validation: VALIDATION,
  bestModel: { metric: 'eval/accuracy' },
};
const PATIENCE = 3;

async function weightsOf(model: RewardModel): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const [name, t] of model.stateDict()) out.set(name, Array.from(await t.data()));
  return out;
}

/** Where patience P stops a run whose evaluations scored `values` at `steps` (higher is better, ties do not improve). */
function expectedStop(steps: number[], values: number[], patience: number): { step: number; bestStep: number } | null {
  let best = -Infinity;
  let bestStep = 0;
  let since = 0;
  for (const [i, value] of values.entries()) {
    if (value > best) {
      best = value;
      bestStep = steps[i]!;
      since = 0;
    } else if (++since >= patience) {
      return { step: steps[i]!, bestStep };
    }
  }
  return null;
}

describe('early stopping (earlyStopping.patience)', () => {
  let fullSteps: number[];
  let fullValues: number[];
  let stop: { step: number; bestStep: number };
  let stoppedWeights: Map<string, number[]>;

  beforeAll(async () => {
    // The run without early stopping: its evaluations say where patience 3 must stop it.
    const events: TrainEvent[] = [];
    const model = createRewardModel(TINY);
    await trainRewardModel({ ...BASE, model, onEvent: (e) => void events.push(e) });
    model.dispose();
    const evals = events.filter((e) => e.type === 'eval');
    fullSteps = evals.map((e) => e.step);
    fullValues = evals.map((e) => e.metrics['eval/accuracy']!);
    const found = expectedStop(fullSteps, fullValues, PATIENCE);
    // The fixture must stop well before the end, or the test below proves nothing.
    expect(found).not.toBeNull();
    stop = found!;
    expect(stop.step).toBeLessThan(30);
  });

  it('stops after `patience` evaluations without a new best, and ends with the best weights', async () => {
    const events: TrainEvent[] = [];
    const model = createRewardModel(TINY);
    const before = tf.memory().numTensors;
    const result = await trainRewardModel({ ...BASE, model, earlyStopping: { patience: PATIENCE }, onEvent: (e) => void events.push(e) });
    expect(result.stoppedEarly).toEqual({ step: stop.step, bestStep: stop.bestStep, patience: PATIENCE });
    expect(result.steps).toBe(stop.step);
    expect(result.totalSteps).toBe(40);
    expect(result.best).toMatchObject({ step: stop.bestStep, value: Math.max(...fullValues.slice(0, fullSteps.indexOf(stop.step) + 1)) });
    // No step after the stop, the same evaluations as the full run up to it, and the end event says why.
    expect(Math.max(...events.filter((e) => e.type === 'step').map((e) => e.step))).toBe(stop.step);
    const evals = events.filter((e) => e.type === 'eval');
    expect(evals.map((e) => e.metrics['eval/accuracy'])).toEqual(fullValues.slice(0, evals.length));
    expect(evals.at(-1)!.step).toBe(stop.step);
    expect(events.at(-1)).toMatchObject({ type: 'end', step: stop.step, stoppedEarly: result.stoppedEarly, aborted: false });
    // The weights are the best evaluation's, not the stop step's.
    const report = await evaluateRewardModel(model, data, VALIDATION);
    expect((report.heldout.overall!['0']!.mean + report.heldout.overall!['2']!.mean) / 2).toBe(result.best!.value);
    stoppedWeights = await weightsOf(model);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a patience the run never exhausts changes nothing: every step, the same best', async () => {
    const longest = Math.max(...fullSteps.map((_, i) => i - fullValues.slice(0, i + 1).indexOf(Math.max(...fullValues.slice(0, i + 1)))));
    const model = createRewardModel(TINY);
    const result = await trainRewardModel({ ...BASE, model, earlyStopping: { patience: longest + 1 } });
    model.dispose();
    expect(result.stoppedEarly).toBeNull();
    expect(result.steps).toBe(40);
    expect(result.best!.value).toBe(Math.max(...fullValues));
  });

  it('resumes exactly: interrupted before the stop, it stops at the same step with the same weights; resumed after, it stays stopped', async () => {
    const checkpointDir = join(dir, 'resume');
    const controller = new AbortController();
    const interruptAt = stop.step - 3;
    const first = await trainRewardModel({
      ...BASE,
      model: createRewardModel(TINY),
      checkpointDir,
      earlyStopping: { patience: PATIENCE },
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step' && e.step === interruptAt) controller.abort();
      },
    });
    expect(first).toMatchObject({ aborted: true, steps: interruptAt, stoppedEarly: null });

    const resumed = createRewardModel({ ...TINY, initSeed: 77 });
    const second = await trainRewardModel({ ...BASE, model: resumed, checkpointDir, resumeFrom: first.lastCheckpoint!, earlyStopping: { patience: PATIENCE } });
    expect(second.stoppedEarly).toEqual({ step: stop.step, bestStep: stop.bestStep, patience: PATIENCE });
    expect(second.lastCheckpoint).toBe(join(checkpointDir, `step-${stop.step}`));
    const weights = await weightsOf(resumed);
    for (const [name, values] of stoppedWeights) expect(weights.get(name), name).toEqual(values);
    resumed.dispose();

    // Resuming the stopped run trains no further step.
    const events: TrainEvent[] = [];
    const again = createRewardModel({ ...TINY, initSeed: 78 });
    const third = await trainRewardModel({
      ...BASE,
      model: again,
      checkpointDir,
      resumeFrom: second.lastCheckpoint!,
      earlyStopping: { patience: PATIENCE },
      onEvent: (e) => void events.push(e),
    });
    expect(third.steps).toBe(stop.step);
    expect(third.stoppedEarly).toEqual(second.stoppedEarly);
    expect(events.filter((e) => e.type === 'step' || e.type === 'eval')).toEqual([]);
    const againWeights = await weightsOf(again);
    for (const [name, values] of stoppedWeights) expect(againWeights.get(name), name).toEqual(values);
    again.dispose();
    expect(
      (await readdir(checkpointDir))
        .filter((name) => name.startsWith('step-'))
        .map((name) => Number(name.slice(5)))
        .sort((a, b) => a - b)
        .at(-1),
    ).toBe(stop.step);
  });

  it('refuses early stopping without bestModel and a patience that is not a positive integer', async () => {
    const { bestModel: _, ...withoutBest } = BASE;
    await expect(trainRewardModel({ ...withoutBest, model: createRewardModel(TINY), earlyStopping: { patience: 2 } })).rejects.toThrow(
      /earlyStopping needs bestModel/,
    );
    await expect(trainRewardModel({ ...BASE, model: createRewardModel(TINY), earlyStopping: { patience: 0 } })).rejects.toThrow(
      /patience must be a positive integer/,
    );
    expect(() => new EarlyStopping({ patience: 1.5 }, 2)).toThrow(/positive integer/);
  });
});

describe('training.earlyStoppingPatience in run configs', () => {
  const synthetic = REWARD_PRESETS['synthetic-btl']!;

  it('reaches trainRewardModel as earlyStopping, with the best-model metric', () => {
    const config = parseRewardRunConfig({ ...synthetic, training: { evaluateEvery: 25, loadBestModelAtEnd: true, earlyStoppingPatience: 6 } });
    const options = trainingOptionsFromConfig(config.training, config.evaluation, 'btl');
    expect(options.earlyStopping).toEqual({ patience: 6 });
    expect(options.bestModel).toEqual({ metric: 'eval/accuracy' });
    const without = parseRewardRunConfig({ ...synthetic, training: { evaluateEvery: 25, loadBestModelAtEnd: true } });
    expect(trainingOptionsFromConfig(without.training, without.evaluation, 'btl').earlyStopping).toBeUndefined();
  });

  it('needs loadBestModelAtEnd, and names the field of a misspelt or invalid patience', () => {
    expect(() => parseRewardRunConfig({ ...synthetic, training: { evaluateEvery: 25, earlyStoppingPatience: 4 } })).toThrow(
      /training\.earlyStoppingPatience.*loadBestModelAtEnd/s,
    );
    expect(() => parseRewardRunConfig({ ...synthetic, training: { evaluateEvery: 25, loadBestModelAtEnd: true, earlyStoppingPatience: 0 } })).toThrow(
      /training\.earlyStoppingPatience/,
    );
    expect(() => parseRewardRunConfig({ ...synthetic, training: { evaluateEvery: 25, loadBestModelAtEnd: true, earlyStopingPatience: 4 } })).toThrow(
      /earlyStoppingPatience/,
    );
  });

  it('EarlyStopping counts evaluations from steps, so nothing extra is checkpointed', () => {
    const rule = new EarlyStopping({ patience: 2 }, 25);
    const best = { step: 100, metric: 'eval/accuracy', value: 0.8, path: null };
    expect(rule.evaluationsWithoutImprovement(100, best)).toBe(0);
    expect(rule.evaluationsWithoutImprovement(125, best)).toBe(1);
    expect(rule.check(125, best)).toBeNull();
    expect(rule.check(150, best)).toEqual({ step: 150, bestStep: 100, patience: 2 });
    // A best restored from a checkpoint newer than the resumed step (best/ is written between step checkpoints).
    expect(rule.evaluationsWithoutImprovement(75, best)).toBe(0);
    expect(rule.check(137, best)).toBeNull();
    expect(rule.check(150, null)).toBeNull();
  });
});
