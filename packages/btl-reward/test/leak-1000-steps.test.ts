import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import { generatePaperSynthetic } from '@steerable/preference-data';
import { createRewardModel, trainRewardModel } from '../src/index.js';

// Issue 16's leak check at full length: 1,000 NP-BTL steps on wasm (this project's kernels, the
// backend the CLIs use), with the model and optimizer alive throughout. A tensor kept by one step
// shows up 990 times over, so equal counts at steps 10 and 1,000 rule out any per-step leak.
beforeAll(async () => {
  await initBackend({ backend: 'wasm', wasmThreads: 1 });
});

describe('NP-BTL training over 1,000 steps', () => {
  it('holds the tensor count and the bytes allocated constant from step 10 to step 1,000', async () => {
    const steps = 1000;
    const model = createRewardModel({ kind: 'np-btl', inputDim: 1, hiddenDim: 64, pairEncoder: 'mlp', initSeed: 0 });
    const memory = new Map<number, tf.MemoryInfo>();
    await trainRewardModel({
      model,
      trainSet: generatePaperSynthetic({ numPairs: 4000, seed: 0 }),
      sampler: { batchSize: 16, numTargets: 8, contextSize: [0, 10], tasksPerEpoch: 16 * steps },
      epochs: 1,
      seed: 0,
      onEvent: (event) => {
        if (event.type === 'step' && (event.step === 10 || event.step === steps)) memory.set(event.step, tf.memory());
      },
    });
    model.dispose();
    expect(memory.get(10)!.numTensors).toBeGreaterThan(0);
    expect(memory.get(steps)!.numTensors).toBe(memory.get(10)!.numTensors);
    expect(memory.get(steps)!.numBytes).toBe(memory.get(10)!.numBytes);
  }, 120_000);
});
