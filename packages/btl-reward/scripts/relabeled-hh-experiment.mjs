#!/usr/bin/env node
// Relabeled HH-RLHF (two annotator types, `helpful` and `harmless`, on real text) with the built-in
// hashed n-gram featurizer: BTL-mixed (all labels pooled), the per-type oracles BTL-helpful and
// BTL-harmless (trained on one type only) and NP-BTL (deterministic, Linear pair encoder,
// self-attention pooling). Prints held-out test accuracy per annotator type versus k.
// Runs against the built packages (`pnpm --filter @steerable/btl-reward... build`).
//
//   node packages/btl-reward/scripts/relabeled-hh-experiment.mjs [--epochs 20] [--featurizer hashed-ngrams|response-cues] [--dim 2048] [--split 0.8,0.1,0.1]
//        [--hidden-dim 256] [--lr 1e-4] [--models btl-mixed,btl-helpful,btl-harmless,np-btl] [--json out.json]
import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { initBackend } from '@steerable/gpu-kernels';
import { buildTaskBatch, evaluationTasks, HashedNgramFeaturizer, loadRelabeledHh, ResponseCueFeaturizer } from '@steerable/preference-data';
import { createRewardModel, evaluateRewardModel, trainRewardModel } from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'btl-mixed,btl-helpful,btl-harmless,np-btl' },
    epochs: { type: 'string', default: '20' },
    seed: { type: 'string', default: '0' },
    featurizer: { type: 'string', default: 'hashed-ngrams' },
    dim: { type: 'string', default: '2048' },
    split: { type: 'string', default: '0.8,0.1,0.1' },
    'batch-norm': { type: 'string', default: 'true' },
    'attention-dropout': { type: 'string', default: '0.1' },
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
const featurizer = args.featurizer === 'response-cues' ? new ResponseCueFeaturizer() : new HashedNgramFeaturizer({ dim: Number(args.dim) });
const data = await loadRelabeledHh({ featurizer, seed, splitFractions: args.split.split(',').map(Number) });
process.stderr.write(`featurized ${data.numPairs} pairs (dim ${data.dim}) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
const onlyUser = (user) => ({ ...data, labels: data.labels.filter((l) => l.user === user) });

const base = {
  inputDim: data.dim,
  hiddenDim: Number(args['hidden-dim']),
  initSeed: seed,
  batchNorm: args['batch-norm'] === 'true',
  attentionDropout: Number(args['attention-dropout']),
};
const RUNS = {
  'btl-mixed': { config: { kind: 'btl', ...base }, trainSet: data },
  'btl-helpful': { config: { kind: 'btl', ...base }, trainSet: onlyUser('helpful') },
  'btl-harmless': { config: { kind: 'btl', ...base }, trainSet: onlyUser('harmless') },
  'np-btl': { config: { kind: 'np-btl', ...base, pairEncoder: 'linear', aggregation: 'self-attention-sum' }, trainSet: data },
  'np-btl-mean': { config: { kind: 'np-btl', ...base, pairEncoder: 'linear', aggregation: 'mean' }, trainSet: data },
  'np-btl-mlp': { config: { kind: 'np-btl', ...base, pairEncoder: 'mlp', aggregation: 'self-attention-sum' }, trainSet: data },
  vpl: { config: { kind: 'vpl', ...base, betaKl: 0.01, klAnnealSteps: 200 }, trainSet: data },
};

/**
 * The ceiling for any context-conditioned model built on these two oracles: for each evaluation
 * task, the posterior P(type | context) from the oracles' likelihoods of the k context choices
 * (equal prior), then the posterior-weighted mixture of the oracles' P(chosen > rejected) on the
 * targets. An NP that had learned both oracles exactly and inferred the type Bayes-optimally would
 * score this; it tells how much the context can tell apart the two annotator types here.
 */
async function bayesOracleMixture(oracles, set, ks, numTargets, tasksPerUser) {
  const testLabels = set.labels.map((label, i) => ({ label, i })).filter(({ label }) => label.split === 'test');
  // Every test label as one task's targets: buildTaskBatch lays out chosen and rejected rows.
  const all = buildTaskBatch(set, [{ user: 'all', context: [], targets: testLabels.map(({ i }) => i) }]);
  const pairs = { chosen: all.targetChosen, rejected: all.targetRejected };
  const probability = new Map();
  for (const [user, model] of Object.entries(oracles)) {
    const p = await model.score(pairs);
    probability.set(user, new Map(testLabels.map(({ i }, j) => [i, p[j]])));
  }
  const users = Object.keys(oracles);
  const out = {};
  for (const k of ks) {
    const tasks = evaluationTasks(set, { split: 'test', contextSize: k, numTargets, tasksPerUser, seed });
    for (const task of tasks) {
      const logLik = users.map((u) => task.context.reduce((sum, i) => sum + Math.log(probability.get(u).get(i)), 0));
      const top = Math.max(...logLik);
      const weights = logLik.map((l) => Math.exp(l - top));
      const total = weights.reduce((a, b) => a + b, 0);
      const correct = task.targets.filter((i) => users.reduce((sum, u, j) => sum + (weights[j] / total) * probability.get(u).get(i), 0) > 0.5).length;
      ((out[task.user] ??= {})[k] ??= []).push(correct / task.targets.length);
    }
  }
  const summary = {};
  for (const [user, byK] of Object.entries(out)) {
    summary[user] = {};
    for (const [k, accs] of Object.entries(byK)) {
      const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
      const sem = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / (accs.length - 1) / accs.length);
      summary[user][k] = { mean, sem, n: accs.length };
    }
  }
  return summary;
}

const results = [];
const oracleModels = {};
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
  const report = await evaluateRewardModel(model, data, {
    split: 'test',
    ks: KS,
    numTargets: 20,
    tasksPerUser: Number(args['tasks-per-user']),
    seed,
    modelName: name,
  });
  results.push({ name, config: model.config, steps: train.steps, train_seconds: trainSeconds, report });
  process.stderr.write(`${name}: ${train.steps} steps in ${trainSeconds.toFixed(1)} s\n`);
  if (name === 'btl-helpful' || name === 'btl-harmless') oracleModels[name.slice(4)] = model;
  else model.dispose();
}
if (oracleModels.helpful && oracleModels.harmless) {
  const heldout = await bayesOracleMixture(oracleModels, data, KS, 20, Number(args['tasks-per-user']));
  results.push({ name: 'bayes-oracles', config: null, steps: 0, train_seconds: 0, report: { heldout } });
}
for (const model of Object.values(oracleModels)) model.dispose();
const wall = (performance.now() - started) / 1000;
const pct = (s) => `${(100 * s.mean).toFixed(1)} +- ${(100 * s.sem).toFixed(1)}`;
const lines = [
  `relabeled HH, held-out test accuracy (%) per annotator type, T = 20, mean +- sem over tasks; featurizer dim ${data.dim}; backend ${backend.backend}; wall ${wall.toFixed(0)} s`,
];
for (const user of ['helpful', 'harmless']) {
  lines.push(`${user} users:`);
  lines.push(['model'.padEnd(14), ...KS.map((k) => `k=${k}`.padStart(13))].join(''));
  for (const r of results) lines.push([r.name.padEnd(14), ...KS.map((k) => pct(r.report.heldout[user][String(k)]).padStart(13))].join(''));
}
process.stdout.write(`${lines.join('\n')}\n`);
if (args.json) await writeFile(args.json, JSON.stringify({ backend: backend.backend, seed, wall_seconds: wall, args, results }, null, 2));
