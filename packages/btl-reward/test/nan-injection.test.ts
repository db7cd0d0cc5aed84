import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DivergenceError, disposeCheckpoint, loadCheckpoint } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import { generatePaperSynthetic } from '@steerable/preference-data';
import { type RewardModel, type RewardModelConfig, createRewardModel, trainRewardModel } from '../src/index.js';

// Issue 16's NaN test: a NaN gradient injected at a chosen step is caught before Adam applies
// it, and the last good checkpoint holds exactly the weights from before that step.

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'btl-reward-nan-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const data = generatePaperSynthetic({ numPairs: 300, seed: 5 });
const TINY: RewardModelConfig = { kind: 'np-btl', inputDim: 1, hiddenDim: 8, numHeads: 2, pairEncoder: 'mlp', initSeed: 2 };
const SAMPLER = { numTargets: 4, contextSize: [0, 3] as [number, number], batchSize: 8, tasksPerEpoch: 80 };

/**
 * From training step `step` on (numbered from 1, as in the step events and metrics), the logits
 * pass through an identity whose gradient is NaN: the loss stays finite, only the gradients are
 * poisoned.
 */
function poisonGradientFrom(model: RewardModel, step: number): void {
  const forward = model.forward.bind(model);
  const nanGradient = tf.customGrad((x) => ({ value: tf.clone(x as tf.Tensor), gradFunc: (dy) => tf.mul(dy, Number.NaN) }));
  let calls = 0;
  model.forward = (batch, options) => {
    const out = forward(batch, options);
    if (!model.training) return out;
    calls += 1;
    return calls >= step ? { ...out, logits: nanGradient(out.logits) } : out;
  };
}

async function snapshot(model: RewardModel): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const [name, t] of model.stateDict()) out.set(name, Array.from(await t.data()));
  return out;
}

describe('a NaN gradient at a chosen step', () => {
  it.each([4, 8])('step %i: stops before the update; the weights in memory and the last checkpoint are those before the step', async (poisonStep) => {
    const model = createRewardModel(TINY);
    poisonGradientFrom(model, poisonStep);
    const checkpointDir = join(dir, `poison-${poisonStep}`);
    const before: Map<string, number[]>[] = [];
    const run = trainRewardModel({
      model,
      trainSet: data,
      sampler: SAMPLER,
      optimizer: { lr: 3e-3, eps: 3e-5 },
      epochs: 2,
      seed: 0,
      checkpointDir,
      checkpointEvery: 1,
      keepCheckpoints: 2,
      // After each step: the weights that the next step starts from.
      onEvent: async (event) => {
        if (event.type === 'step') before[event.step] = await snapshot(model);
      },
    });
    const error = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DivergenceError);
    const divergence = error as DivergenceError;
    expect(divergence.step).toBe(poisonStep);
    expect(divergence.code).toBe('non-finite-gradient');
    expect(divergence.message).toContain('before applying the update');
    // The update was not applied: the model still holds the weights of the step before.
    const expected = before[poisonStep - 1]!;
    expect(await snapshot(model)).toEqual(expected);
    // The newest checkpoint is the step before, with those same weights, all finite.
    const kept = (await readdir(checkpointDir)).filter((name) => name.startsWith('step-'));
    const newest = Math.max(...kept.map((name) => Number(name.slice('step-'.length))));
    expect(newest).toBe(poisonStep - 1);
    const contents = await loadCheckpoint(join(checkpointDir, `step-${newest}`));
    try {
      expect(contents.manifest.step).toBe(poisonStep - 1);
      for (const [name, values] of expected) {
        const saved = Array.from(await contents.weights.get(name)!.data());
        expect(saved, name).toEqual(values);
        expect(saved.every(Number.isFinite)).toBe(true);
      }
    } finally {
      disposeCheckpoint(contents);
    }
  });

  it("with onNonFinite 'skip', drops only the poisoned steps' updates and reports them", async () => {
    const model = createRewardModel(TINY);
    poisonGradientFrom(model, 5);
    const skipped: number[] = [];
    const stepsSeen: number[] = [];
    let weightsAfterStep4: Map<string, number[]> | null = null;
    await expect(
      trainRewardModel({
        model,
        trainSet: data,
        sampler: SAMPLER,
        optimizer: { lr: 3e-3, eps: 3e-5 },
        epochs: 2,
        seed: 0,
        onNonFinite: 'skip',
        onEvent: async (event) => {
          if (event.type !== 'step') return;
          stepsSeen.push(event.step);
          if (event.metrics['train/skipped'] === 1) skipped.push(event.step);
          if (event.step === 4) weightsAfterStep4 = await snapshot(model);
        },
      }),
      // Every later step is poisoned too: the guard gives up after its consecutive-skip limit.
    ).rejects.toBeInstanceOf(DivergenceError);
    expect(skipped[0]).toBe(5);
    expect(skipped.length).toBeGreaterThan(1);
    expect(await snapshot(model)).toEqual(weightsAfterStep4);
    expect(stepsSeen.slice(0, 4)).toEqual([1, 2, 3, 4]);
  });
});
