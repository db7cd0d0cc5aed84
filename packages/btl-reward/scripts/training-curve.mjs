#!/usr/bin/env node
// Held-out test accuracy versus k every N steps while the paper's synthetic NP-BTL trains: shows how
// far the accuracy of one run moves between nearby steps (results/synthetic/synthetic-training-curves.txt at the repository root).
// Runs against the built packages: `pnpm --filter @steerable/btl-reward... build` first.
//
//   node packages/btl-reward/scripts/training-curve.mjs [--seed 0] [--epochs 3] [--every 50]
//        [--no-batch-norm] [--targets-include-context] [--recalibrate-batches 50]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { BatchNorm1d } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import { generatePaperSynthetic, TaskSampler } from '@steerable/preference-data';
import { createRewardModel, disposePairTensors, evaluateRewardModel, taskBatchTensors, trainRewardModel } from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: '0' },
    epochs: { type: 'string', default: '3' },
    every: { type: 'string', default: '50' },
    'no-batch-norm': { type: 'boolean', default: false },
    'targets-include-context': { type: 'boolean', default: false },
    'recalibrate-batches': { type: 'string', default: '0' },
  },
});
const seed = Number(args.seed);
const KS = [0, 1, 3, 5, 10];
await initBackend({ backend: 'wasm' });
const data = generatePaperSynthetic({ numPairs: 20_000, seed: 0 });
const model = createRewardModel({
  kind: 'np-btl',
  inputDim: 1,
  hiddenDim: 256,
  initSeed: seed,
  pairEncoder: 'mlp',
  aggregation: 'self-attention-sum',
  batchNorm: !args['no-batch-norm'],
});
const percent = (report) => KS.map((k) => (100 * report.heldout.overall[String(k)].mean).toFixed(1)).join(' ');
const testAccuracy = () => evaluateRewardModel(model, data, { split: 'test', ks: KS, numTargets: 20, tasksPerUser: 300, seed: 0 });

const batchNorms = (module, out = []) => {
  if (module instanceof BatchNorm1d) out.push(module);
  for (const [, child] of module.children()) batchNorms(child, out);
  return out;
};

/**
 * Re-estimates the BatchNorm running statistics as plain averages over `count` fresh training
 * batches (every k), instead of the exponential average of the last few batches, then puts the
 * old ones back after `fn`. Isolates "the statistics moved" from "the weights moved".
 */
async function withRecalibratedStatistics(count, fn) {
  const layers = batchNorms(model);
  const saved = layers.map((layer) => [layer.runningMean.clone(), layer.runningVar.clone(), layer.momentum]);
  const sampler = new TaskSampler(data, { split: 'train', numTargets: 20, contextSize: [0, 10], batchSize: 64, seed: 99, tasksPerEpoch: 64 * count });
  model.eval();
  for (const layer of layers) layer.train();
  let seen = 0;
  for (const batch of sampler.epoch(0)) {
    seen += 1;
    // momentum 1/n turns the running update into a cumulative mean.
    for (const layer of layers) layer.momentum = 1 / seen;
    const tensors = taskBatchTensors(batch);
    tf.tidy(() => model.forward(tensors).regularizer?.dispose());
    disposePairTensors(tensors);
  }
  try {
    return await fn();
  } finally {
    layers.forEach((layer, i) => {
      layer.runningMean.assign(saved[i][0]);
      layer.runningVar.assign(saved[i][1]);
      layer.momentum = saved[i][2];
      saved[i][0].dispose();
      saved[i][1].dispose();
    });
  }
}

const started = Date.now();
await trainRewardModel({
  model,
  trainSet: data,
  epochs: Number(args.epochs),
  seed,
  logEvery: Number(args.every),
  sampler: { targetsIncludeContext: args['targets-include-context'] },
  onEvent: async (event) => {
    if (event.type !== 'step') return;
    let line = `step ${event.step} loss ${event.loss.toFixed(3)} | test ${percent(await testAccuracy())}`;
    const recalibrate = Number(args['recalibrate-batches']);
    if (recalibrate > 0 && batchNorms(model).length > 0) line += ` | recal ${percent(await withRecalibratedStatistics(recalibrate, testAccuracy))}`;
    model.train();
    process.stdout.write(`${line} | ${((Date.now() - started) / 1000).toFixed(0)}s\n`);
  },
});
