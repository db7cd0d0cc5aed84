#!/usr/bin/env node
// Relabeled HH-RLHF (two annotator types, `helpful` and `harmless`, on real text) with the built-in
// hashed n-gram featurizer: BTL-mixed (all labels pooled), the per-type oracles BTL-helpful and
// BTL-harmless (trained on one type only) and NP-BTL (deterministic, Linear pair encoder,
// self-attention pooling). Prints held-out test accuracy per annotator type versus k.
// Runs against the built packages (`pnpm --filter @steerable/btl-reward... build`).
//
//   node packages/btl-reward/scripts/relabeled-hh-experiment.mjs [--epochs 20] [--dim 2048]
//        [--hidden-dim 256] [--lr 1e-4] [--models btl-mixed,btl-helpful,btl-harmless,np-btl] [--json out.json]
import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { initBackend } from '@steerable/gpu-kernels';
import { HashedNgramFeaturizer, loadRelabeledHh } from '@steerable/preference-data';
import { createRewardModel, evaluateRewardModel, trainRewardModel } from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'btl-mixed,btl-helpful,btl-harmless,np-btl' },
    epochs: { type: 'string', default: '20' },
    seed: { type: 'string', default: '0' },
    dim: { type: 'string', default: '2048' },
    'hidden-dim': { type: 'string', default: '256' },
    lr: { type: 'string', default: '1e-4' },
    'weight-decay': { type: 'string', default: '0' },
    'tasks-per-user': { type: 'string', default: '100' },
    backend: { type: 'string', default: 'wasm' },
    json: { type: 'string' },
  },
});

const KS = [0, 1, 3, 5, 10];
const seed = Number(args.seed);
const backend = await initBackend({ backend: args.backend });
const t0 = performance.now();
const data = await loadRelabeledHh({ featurizer: new HashedNgramFeaturizer({ dim: Number(args.dim) }), seed });
process.stderr.write(`featurized ${data.numPairs} pairs (dim ${data.dim}) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
const onlyUser = (user) => ({ ...data, labels: data.labels.filter((l) => l.user === user) });

const base = { inputDim: data.dim, hiddenDim: Number(args['hidden-dim']), initSeed: seed };
const RUNS = {
  'btl-mixed': { config: { kind: 'btl', ...base }, trainSet: data },
  'btl-helpful': { config: { kind: 'btl', ...base }, trainSet: onlyUser('helpful') },
  'btl-harmless': { config: { kind: 'btl', ...base }, trainSet: onlyUser('harmless') },
  'np-btl': { config: { kind: 'np-btl', ...base, pairEncoder: 'linear', aggregation: 'self-attention-sum' }, trainSet: data },
  'np-btl-mean': { config: { kind: 'np-btl', ...base, pairEncoder: 'linear', aggregation: 'mean' }, trainSet: data },
  vpl: { config: { kind: 'vpl', ...base, betaKl: 0.01, klAnnealSteps: 200 }, trainSet: data },
};

const results = [];
const started = performance.now();
for (const name of args.models.split(',')) {
  const run = RUNS[name];
  if (!run) throw new Error(`unknown model ${name}; choose from ${Object.keys(RUNS).join(', ')}`);
  const model = createRewardModel(run.config);
  const t1 = performance.now();
  const train = await trainRewardModel({
    model,
    trainSet: run.trainSet,
    epochs: Number(args.epochs),
    seed,
    optimizer: { kind: Number(args['weight-decay']) > 0 ? 'adamw' : 'adam', lr: Number(args.lr), eps: 3e-5, weightDecay: Number(args['weight-decay']) },
    onEvent: (event) => {
      if (event.type === 'epoch' && (event.epoch + 1) % 5 === 0) process.stderr.write(`${name} epoch ${event.epoch + 1} mean loss ${event.loss.toFixed(4)}\n`);
    },
  });
  const trainSeconds = (performance.now() - t1) / 1000;
  const report = await evaluateRewardModel(model, data, { split: 'test', ks: KS, numTargets: 20, tasksPerUser: Number(args['tasks-per-user']), seed, modelName: name });
  results.push({ name, config: model.config, steps: train.steps, train_seconds: trainSeconds, report });
  process.stderr.write(`${name}: ${train.steps} steps in ${trainSeconds.toFixed(1)} s\n`);
  model.dispose();
}
const wall = (performance.now() - started) / 1000;
const pct = (s) => `${(100 * s.mean).toFixed(1)} +- ${(100 * s.sem).toFixed(1)}`;
const lines = [`relabeled HH, held-out test accuracy (%) per annotator type, T = 20, mean +- sem over tasks; featurizer dim ${data.dim}; backend ${backend.backend}; wall ${wall.toFixed(0)} s`];
for (const user of ['helpful', 'harmless', 'overall']) {
  lines.push(`${user} users:`);
  lines.push(['model'.padEnd(14), ...KS.map((k) => `k=${k}`.padStart(13))].join(''));
  for (const r of results) lines.push([r.name.padEnd(14), ...KS.map((k) => pct(r.report.heldout[user][String(k)]).padStart(13))].join(''));
}
process.stdout.write(`${lines.join('\n')}\n`);
if (args.json) await writeFile(args.json, JSON.stringify({ backend: backend.backend, seed, wall_seconds: wall, args, results }, null, 2));
