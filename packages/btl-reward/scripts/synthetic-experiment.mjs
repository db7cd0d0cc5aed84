#!/usr/bin/env node
// The paper's synthetic experiment (docs/method.md): trains BTL, DPL and NP-BTL on
// 20,000 synthetic pairs (seed 0) with the paper's hyperparameters and prints held-out accuracy
// versus k. Runs against the built packages: `pnpm --filter @steerable/btl-reward... build` first.
//
//   node packages/btl-reward/scripts/synthetic-experiment.mjs [--models btl,dpl,np-btl] [--epochs 3]
//        [--seed 0] [--backend wasm] [--tasks-per-user 500] [--json out.json] [--max-steps N]
//        [--batch-norm true|false]   (NP-BTL's head; default: the library's, i.e. false for NP-BTL)
import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { initBackend } from '@steerable/gpu-kernels';
import { generatePaperSynthetic } from '@steerable/preference-data';
import { createRewardModel, evaluateRewardModel, trainRewardModel } from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'btl,dpl,np-btl' },
    epochs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '0' },
    backend: { type: 'string', default: 'wasm' },
    'tasks-per-user': { type: 'string', default: '500' },
    'hidden-dim': { type: 'string', default: '256' },
    json: { type: 'string' },
    'max-steps': { type: 'string' },
    'batch-norm': { type: 'string' },
  },
});

const KS = [0, 1, 3, 5, 10];
const seed = Number(args.seed);
const backend = await initBackend({ backend: args.backend });
const data = generatePaperSynthetic({ numPairs: 20_000, seed });

/** The synthetic runs of the paper: h is an MLP (D = 1), everything else as in docs/method.md. */
const CONFIGS = {
  btl: { kind: 'btl', inputDim: 1, hiddenDim: Number(args['hidden-dim']), initSeed: seed },
  dpl: { kind: 'dpl', inputDim: 1, hiddenDim: Number(args['hidden-dim']), initSeed: seed },
  'np-btl': {
    kind: 'np-btl',
    inputDim: 1,
    hiddenDim: Number(args['hidden-dim']),
    initSeed: seed,
    pairEncoder: 'mlp',
    aggregation: 'self-attention-sum',
    ...(args['batch-norm'] ? { batchNorm: args['batch-norm'] === 'true' } : {}),
  },
  'np-btl-latent': { kind: 'np-btl', variant: 'latent', betaKl: 0.005, inputDim: 1, hiddenDim: Number(args['hidden-dim']), initSeed: seed, pairEncoder: 'mlp' },
  vpl: { kind: 'vpl', inputDim: 1, hiddenDim: Number(args['hidden-dim']), initSeed: seed, betaKl: 0.01, klAnnealSteps: 200 },
};

const results = [];
const started = performance.now();
for (const name of args.models.split(',')) {
  const config = CONFIGS[name];
  if (!config) throw new Error(`unknown model ${name}; choose from ${Object.keys(CONFIGS).join(', ')}`);
  const model = createRewardModel(config);
  const t0 = performance.now();
  const controller = new AbortController();
  let lastLog = 0;
  const train = await trainRewardModel({
    model,
    trainSet: data,
    epochs: Number(args.epochs),
    seed,
    signal: controller.signal,
    onEvent: (event) => {
      if (event.type === 'step' && args['max-steps'] && event.step >= Number(args['max-steps'])) controller.abort();
      if (event.type === 'step' && performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        process.stderr.write(
          `${name} step ${event.step}/${event.totalSteps} loss ${event.loss.toFixed(4)} acc ${event.metrics['train/accuracy']?.toFixed(3)}\n`,
        );
      }
      if (event.type === 'epoch') process.stderr.write(`${name} epoch ${event.epoch} mean loss ${event.loss.toFixed(4)}\n`);
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const report = await evaluateRewardModel(model, data, {
    split: 'test',
    ks: KS,
    numTargets: 20,
    tasksPerUser: Number(args['tasks-per-user']),
    seed,
    modelName: name,
  });
  const evalSeconds = (performance.now() - t0) / 1000 - trainSeconds;
  results.push({ name, config: model.config, steps: train.steps, train_seconds: trainSeconds, eval_seconds: evalSeconds, report });
  process.stderr.write(
    `${name}: ${train.steps} steps in ${trainSeconds.toFixed(1)} s (${((1000 * trainSeconds) / train.steps).toFixed(1)} ms/step), eval ${evalSeconds.toFixed(1)} s\n`,
  );
  process.stderr.write(`${name} held-out: ${KS.map((k) => `k=${k} ${(100 * report.heldout.overall[String(k)].mean).toFixed(1)}`).join('  ')}\n`);
  model.dispose();
}
const wall = (performance.now() - started) / 1000;

const pct = (s) => `${(100 * s.mean).toFixed(1)} +- ${(100 * s.sem).toFixed(1)}`;
const lines = [`held-out accuracy (%), test split, T = 20, mean +- sem over tasks; backend ${backend.backend}; wall ${wall.toFixed(0)} s`];
lines.push(['model'.padEnd(14), ...KS.map((k) => `k=${k}`.padStart(13))].join(''));
for (const r of results) {
  for (const user of ['overall', ...Object.keys(r.report.heldout).filter((u) => u !== 'overall')]) {
    const label = user === 'overall' ? r.name : `  ${user}`;
    lines.push([label.padEnd(14), ...KS.map((k) => pct(r.report.heldout[user][String(k)]).padStart(13))].join(''));
  }
}
lines.push('all-target accuracy (context pairs included), overall:');
for (const r of results) lines.push([r.name.padEnd(14), ...KS.map((k) => pct(r.report.all_targets.overall[String(k)]).padStart(13))].join(''));
process.stdout.write(`${lines.join('\n')}\n`);
if (args.json) await writeFile(args.json, JSON.stringify({ backend: backend.backend, seed, wall_seconds: wall, results }, null, 2));
