import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointDirectory } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import { type PolicyRunHandle, generateSteerableText, parsePolicyRunConfig, trainPolicy } from '../src/index.js';

// Issue 16's leak check at full length for the policy family: 1,000 NP-DPO steps on wasm after a
// short SFT, with the policy, the context encoder, the reference and the optimizer alive
// throughout. A tensor kept by one step shows up 990 times over between steps 10 and 1,000.
let root: string;
beforeAll(async () => {
  await initBackend({ backend: 'wasm', wasmThreads: 1 });
  root = await mkdtemp(join(tmpdir(), 'policy-leak-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const data = { source: 'steerable-text', pairsPerType: { train: 200, validation: 0, test: 0 } } as const;
const base = {
  data,
  template: { maxPromptLength: 6, maxLength: 15 },
  model: { n_positions: 16, n_embd: 16, n_head: 2, n_layer: 1 },
};

function handle(name: string): PolicyRunHandle {
  return { checkpoints: new CheckpointDirectory(join(root, name, 'checkpoints')), modelPath: join(root, name, 'model'), cachePath: join(root, name, 'cache') };
}

describe('NP-DPO training over 1,000 steps', () => {
  it('holds the tensor count and the bytes allocated constant from step 10 to step 1,000', async () => {
    const steps = 1000;
    const pairs = generateSteerableText({ pairsPerType: data.pairsPerType });
    await trainPolicy(parsePolicyRunConfig({ ...base, name: 'sft', kind: 'sft', sft: { epochs: 1, batchSize: 32 } }), { run: handle('sft'), pairs });
    const config = parsePolicyRunConfig({
      ...base,
      name: 'np-dpo',
      kind: 'np-dpo',
      reference: 'sft',
      checkpointEvery: steps,
      npDpo: { steps, tasksPerBatch: 4, contextSize: [0, 4], targetsPerTask: 3, encoderHiddenDim: 8, encoderHeads: 2 },
    });
    const memory = new Map<number, tf.MemoryInfo>();
    await trainPolicy(config, {
      run: handle('np-dpo'),
      pairs,
      referenceModelDir: join(root, 'sft', 'model'),
      onEvent: (event) => {
        if (event.type === 'step' && (event.step === 10 || event.step === steps)) memory.set(event.step, tf.memory());
      },
    });
    expect(memory.get(10)!.numTensors).toBeGreaterThan(0);
    expect(memory.get(steps)!.numTensors).toBe(memory.get(10)!.numTensors);
    expect(memory.get(steps)!.numBytes).toBe(memory.get(10)!.numBytes);
  }, 180_000);
});
