#!/usr/bin/env node
// Leak check over long training (issue 16), as benchmark rows: the tensor count after
// 1,000 training steps of each model family equals the count after the first 10 steps.
//   node scripts/bench/leak-check.mjs [--backend wasm|cpu] [--steps 1000]
// Prints one JSON line per family: { workload: 'leak-<family>', backend, steps, tensors_at_10, tensors_at_end, bytes_at_10, bytes_at_end, leaked, ms }.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { loadStack, root } from './load.mjs';

const { values: args } = parseArgs({ options: { backend: { type: 'string', default: 'wasm' }, steps: { type: 'string', default: '1000' } } });
const steps = Number(args.steps);
const { tf, kernels, core } = await loadStack();
const load = (pkg) => import(pathToFileURL(`${root}packages/${pkg}/dist/index.js`).href);
const [reward, data, policy] = await Promise.all([load('btl-reward'), load('preference-data'), load('conditioned-dpo')]);
await kernels.initBackend({ backend: args.backend, wasmThreads: 1 });

/** Tensor counts at step 10 and at the last step, both taken inside the loop (model and optimizer alive). */
function memoryProbe() {
  const probe = { at10: null, end: null };
  probe.onStep = (step) => {
    if (step === 10) probe.at10 = tf.memory();
    if (step === steps) probe.end = tf.memory();
  };
  return probe;
}

function report(family, { at10, end }, started) {
  console.log(
    JSON.stringify({
      workload: `leak-${family}`,
      backend: args.backend,
      steps,
      tensors_at_10: at10.numTensors,
      tensors_at_end: end.numTensors,
      bytes_at_10: at10.numBytes,
      bytes_at_end: end.numBytes,
      leaked: end.numTensors - at10.numTensors,
      ms: Date.now() - started,
    }),
  );
}

// Reward family: NP-BTL on the paper's synthetic data, the demo's model at a smaller width.
{
  const set = data.generatePaperSynthetic({ numPairs: 4000, seed: 0 });
  const model = reward.createRewardModel({ kind: 'np-btl', inputDim: 1, hiddenDim: 64, pairEncoder: 'mlp' });
  const probe = memoryProbe();
  const started = Date.now();
  await reward.trainRewardModel({
    model,
    trainSet: set,
    sampler: { batchSize: 16, numTargets: 8, contextSize: [0, 10], tasksPerEpoch: 16 * steps },
    epochs: 1,
    seed: 0,
    onEvent: (event) => {
      if (event.type === 'step') probe.onStep(event.step);
    },
  });
  report('reward-np-btl', probe, started);
  model.dispose();
}

// Policy family: NP-DPO on the steerable-text benchmark, after a short SFT.
{
  const dir = await mkdtemp(join(tmpdir(), 'leak-'));
  const pairs = policy.generateSteerableText({ pairsPerType: { train: 200, validation: 0, test: 0 } });
  const base = {
    data: { source: 'steerable-text', pairsPerType: { train: 200, validation: 0, test: 0 } },
    template: { maxPromptLength: 6, maxLength: 15 },
    model: { n_positions: 16, n_embd: 16, n_head: 2, n_layer: 1 },
    checkpointEvery: steps,
  };
  const handle = (name) => ({
    checkpoints: new core.CheckpointDirectory(join(dir, name, 'checkpoints')),
    modelPath: join(dir, name, 'model'),
    cachePath: join(dir, name, 'cache'),
  });
  await policy.trainPolicy(policy.parsePolicyRunConfig({ ...base, name: 'sft', kind: 'sft', sft: { epochs: 1, batchSize: 32 } }), {
    run: handle('sft'),
    pairs,
  });
  const probe = memoryProbe();
  const started = Date.now();
  const config = policy.parsePolicyRunConfig({
    ...base,
    name: 'np-dpo',
    kind: 'np-dpo',
    reference: 'sft',
    npDpo: { steps, tasksPerBatch: 4, contextSize: [0, 4], targetsPerTask: 3, encoderHiddenDim: 8, encoderHeads: 2 },
  });
  await policy.trainPolicy(config, {
    run: handle('np-dpo'),
    pairs,
    referenceModelDir: join(dir, 'sft', 'model'),
    onEvent: (event) => {
      if (event.type === 'step') probe.onStep(event.step);
    },
  });
  report('policy-np-dpo', probe, started);
  await rm(dir, { recursive: true, force: true });
}
