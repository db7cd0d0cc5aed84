#!/usr/bin/env node
// Writes the demo's experiment as plain JSON for the PyTorch reference (torch_demo_reference.py):
// the paper's synthetic pairs exactly as `pnpm demo` generates them (20,000 pairs, seed 0, 80/10/10),
// the training tasks its samplers draw (seed 0: k = 0 for BTL and DPL, k ~ U{0..10} per batch for
// NP-BTL; 3 epochs of 250 batches of 64), and the validation and test tasks its evaluations score.
// So both sides train on the same episodes and are scored on the same targets.
//
//   node scripts/bench/demo-reference-data.mjs OUT.json
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { root } from './load.mjs';

const out = process.argv[2];
if (!out) throw new Error('usage: node scripts/bench/demo-reference-data.mjs OUT.json');
const { REWARD_PRESETS, parseRewardRunConfig } = await import(pathToFileURL(`${root}packages/btl-reward/dist/index.js`).href);
const { TaskSampler, evaluationTasks, loadPreferenceData } = await import(pathToFileURL(`${root}packages/preference-data/dist/index.js`).href);

const btl = parseRewardRunConfig(REWARD_PRESETS['synthetic-btl']);
const np = parseRewardRunConfig(REWARD_PRESETS['synthetic-np-btl']);
const set = await loadPreferenceData(btl.data);
const users = [...new Set(set.labels.map((l) => l.user))];
const flatTasks = (tasks) => tasks.map((t) => [users.indexOf(t.user), t.context, t.targets]);

function trainingTasks(config, contextSize) {
  const { training } = config;
  const sampler = new TaskSampler(set, { split: 'train', numTargets: training.numTargets, contextSize, batchSize: training.batchSize, seed: config.seed });
  const epochs = [];
  for (let epoch = 0; epoch < training.epochs; epoch++) epochs.push([...sampler.epochTasks(epoch)].map(flatTasks));
  return epochs;
}

function evaluation(split, tasksPerUser) {
  const { ks, numTargets, seed } = btl.evaluation;
  return Object.fromEntries(
    ks.map((k) => [k, flatTasks(evaluationTasks(set, { split, contextSize: k, numTargets, tasksPerUser, seed, tooFewLabels: 'skip' }))]),
  );
}

const data = {
  users,
  options: Array.from(set.options),
  // label: [pair, user index, preferred (0: the pair's first option), split]
  labels: set.labels.map((l) => [l.pair, users.indexOf(l.user), l.preferred, l.split]),
  presets: Object.fromEntries(['synthetic-btl', 'synthetic-dpl', 'synthetic-np-btl'].map((name) => [name, parseRewardRunConfig(REWARD_PRESETS[name])])),
  training: { context_free: trainingTasks(btl, 0), np_btl: trainingTasks(np, np.training.contextSize) },
  validation: evaluation('validation', btl.training.validationTasksPerUser),
  test: evaluation('test', btl.evaluation.tasksPerUser),
};
writeFileSync(out, JSON.stringify(data));
process.stderr.write(`wrote ${out}: ${set.numPairs} pairs, ${data.training.np_btl.flat().length} NP-BTL training batches\n`);
