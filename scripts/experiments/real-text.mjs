#!/usr/bin/env node
// The real-text experiments of issue 13 through the libraries only: USE-lite features (through the
// embedding cache), BTL-mixed, one oracle BTL per user type, NP-BTL; held-out accuracy vs k per
// user type, per seed, then mean +- s.e. over seeds.
//   node scripts/experiments/real-text.mjs --dataset dialsummeval|relabeled-hh [--seeds 0,1,2]
//     [--models btl-mixed,btl-oracle,np-btl] [--out DIR] [--cache-dir DIR] [--set model.path=value ...]
//     [--tasks-per-user N] [--no-test]
// Seed s draws the split (dialogues for DialSummEval, pairs for relabeled HH), the initialisation,
// the training tasks and the evaluation tasks. --no-test reports validation only (for tuning).
// With the oracles (btl-oracle) it adds a type-posterior row: Bayes over the user types with the
// oracles as likelihoods, on the same tasks (results/real-text/type-posterior/README.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATASETS } from './datasets.mjs';
import { CONFIGS, EVALUATION, FEATURIZER } from './real-text-configs.mjs';
import { loadExperimentStack, machineLoad, root } from './stack.mjs';

const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'dialsummeval' },
    seeds: { type: 'string', default: '0,1,2' },
    models: { type: 'string' },
    out: { type: 'string' },
    'cache-dir': { type: 'string', default: join(root, 'node_modules/.cache/steerable/embeddings') },
    set: { type: 'string', multiple: true, default: [] },
    'tasks-per-user': { type: 'string' },
    'no-test': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});
const command = `node scripts/experiments/real-text.mjs ${process.argv.slice(2).join(' ')}`;
const started = performance.now();
const loadBefore = machineLoad();
const { tf, data, reward, backendInfo } = await loadExperimentStack();
const dataset = DATASETS[args.dataset];
const configs = structuredClone(CONFIGS[args.dataset]);
if (!dataset || !configs) throw new Error(`unknown dataset ${args.dataset}: use ${Object.keys(DATASETS).join(' or ')}`);
for (const assignment of args.set) {
  // --set np-btl.training.optimizer.lr=3e-4 ; values are JSON where they parse, else strings.
  const [path, raw] = assignment.split('=');
  const keys = path.split('.');
  let target = configs.models;
  for (const key of keys.slice(0, -1)) target = target[key] ??= {};
  let value;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  target[keys.at(-1)] = value;
}
const modelNames = args.models ? args.models.split(',') : Object.keys(configs.models);
const evaluation = {
  ...EVALUATION,
  ...(args['tasks-per-user'] ? { tasksPerUser: Number(args['tasks-per-user']) } : {}),
  ...(args['no-test'] ? { split: 'validation' } : {}),
};
const log = (...parts) => {
  if (!args.quiet) console.error(...parts);
};

// Embeddings: every text of the files once, through the cache.
const embedStart = performance.now();
const featurizer = await data.useLiteFeaturizer({ maxTokens: FEATURIZER.maxTokens, batchSize: FEATURIZER.batchSize });
let lastProgress = 0;
const cached = await data.embedFilesCached({
  files: dataset.files,
  featurizer,
  cacheDir: args['cache-dir'],
  onEvent: (event) => log(`cache ${event.type}: ${event.message}`),
  onProgress: (p) => {
    if (p.done - lastProgress >= 256 || p.done === p.total) {
      lastProgress = p.done;
      log(`embedded ${p.done}/${p.total} texts`);
    }
  },
});
const embedSeconds = (performance.now() - embedStart) / 1000;
const selected = dataset.filter ? data.filterPairs(cached.pairs, dataset.filter) : cached.pairs;
const users = [...new Set(selected.map((p) => p.user))].sort();
log(`${selected.length} labels, users ${users.join(', ')}; embeddings ${cached.status} in ${embedSeconds.toFixed(1)} s`);

const restrict = (set, user) => ({ ...set, labels: set.labels.filter((label) => label.user === user) });
const runs = [];

// The reference for "reading the type from k choices": Bayes over the user types, with the trained
// oracles as each type's likelihood and a uniform prior. Per task, the posterior weight of type t is
// proportional to prod over context labels of sigmoid(logit_t / tau_t), and a target counts as right
// when the posterior-weighted probability of the user's choice is above 1/2 (a tie counts half). It
// scores exactly the evaluation's tasks (same split, k, T and seed), so its row sits beside NP-BTL's.
// tau_t calibrates oracle t (a best-on-validation BTL picked early has logits near 0, which would
// make the posterior barely move): the temperature that maximises the likelihood of its own type's
// validation labels, on a log grid.
// log sigmoid(x), without overflow for logits far from 0 (a calibrated logit can be in the hundreds).
const logSigmoid = (x) => (x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x)));

function calibrationTemperature(logits, labels) {
  let best = { tau: 1, logLikelihood: -Infinity };
  for (let i = 0; i <= 120; i++) {
    const tau = 10 ** (-2 + (i * 4) / 120);
    const logLikelihood = labels.reduce((a, label) => a + logSigmoid(logits[label] / tau), 0);
    if (logLikelihood > best.logLikelihood) best = { tau, logLikelihood };
  }
  return best.tau;
}

/** `oracleLogLikelihood`: user type -> log P(each label's choice) under that type's calibrated oracle. */
function typePosteriorAccuracy(set, oracleLogLikelihood, seed) {
  const types = [...oracleLogLikelihood.values()];
  const heldout = {};
  for (const u of users) heldout[u] = {};
  for (const k of evaluation.ks) {
    const tasks = data.evaluationTasks(set, {
      split: evaluation.split,
      contextSize: k,
      numTargets: evaluation.numTargets,
      tasksPerUser: evaluation.tasksPerUser,
      seed,
    });
    const sums = Object.fromEntries(users.map((u) => [u, { total: 0, tasks: 0 }]));
    for (const task of tasks) {
      const logPosterior = types.map((logLikelihood) => task.context.reduce((a, label) => a + logLikelihood[label], 0));
      const top = Math.max(...logPosterior);
      const weights = logPosterior.map((l) => Math.exp(l - top));
      const norm = weights.reduce((a, b) => a + b, 0);
      let right = 0;
      for (const label of task.targets) {
        const p = types.reduce((a, logLikelihood, i) => a + (weights[i] / norm) * Math.exp(logLikelihood[label]), 0);
        right += p > 0.5 ? 1 : p === 0.5 ? 0.5 : 0;
      }
      sums[task.user].total += right / task.targets.length;
      sums[task.user].tasks += 1;
    }
    for (const u of users) heldout[u][k] = sums[u].total / sums[u].tasks;
  }
  return heldout;
}

for (const seed of args.seeds.split(',').map(Number)) {
  const split = dataset.splitBy === 'prompt' ? data.splitByPrompt(selected, dataset.splitFractions, seed) : selected;
  let set = await data.embedPairs(split, cached.featurizer);
  if (dataset.splitBy === 'pair') set = data.splitByPair(set, dataset.splitFractions, seed);
  const oracleLogLikelihood = new Map(); // user type -> log P(every label's choice) under that type's calibrated oracle
  for (const name of modelNames) {
    const config = configs.models[name];
    if (!config) throw new Error(`unknown model ${name}: ${Object.keys(configs.models).join(', ')}`);
    for (const user of config.oracle ? users : [null]) {
      const label = user ? `btl-${user}` : name;
      const trainSet = user ? restrict(set, user) : set;
      const model = reward.createRewardModel({ ...config.model, inputDim: set.dim, initSeed: seed });
      const t0 = performance.now();
      const evals = [];
      const result = await reward.trainRewardModel({
        model,
        trainSet,
        epochs: config.training.epochs,
        seed,
        sampler: config.training.sampler,
        optimizer: config.training.optimizer,
        evaluateEvery: config.training.evaluateEvery,
        validation: { ...config.training.validation, seed },
        bestModel: config.training.bestModel,
        onEvent: (event) => {
          if (event.type === 'eval') evals.push({ step: event.step, accuracy: event.metrics['eval/accuracy'] });
        },
      });
      const trainSeconds = (performance.now() - t0) / 1000;
      const report = await reward.evaluateRewardModel(model, set, { ...evaluation, seed, modelName: label });
      if (user) {
        const logits = await reward.scoreLabels(
          model,
          set,
          set.labels.map((_, i) => i),
          64,
        );
        const ownValidation = set.labels.flatMap((label, i) => (label.user === user && label.split === 'validation' ? [i] : []));
        const tau = calibrationTemperature(logits, ownValidation);
        oracleLogLikelihood.set(
          user,
          Array.from(logits, (logit) => logSigmoid(logit / tau)),
        );
        log(`seed ${seed} ${label}: calibration temperature ${tau.toPrecision(3)} on ${ownValidation.length} validation labels`);
      }
      model.dispose?.();
      const heldout = Object.fromEntries(
        users.map((u) => [u, Object.fromEntries(evaluation.ks.map((k) => [k, report.heldout[u]?.[String(k)]?.mean ?? null]))]),
      );
      runs.push({
        seed,
        model: label,
        kind: config.model.kind,
        user,
        steps: result.steps,
        best: result.best,
        train_seconds: trainSeconds,
        validation_curve: evals,
        heldout,
        report,
      });
      log(
        `seed ${seed} ${label.padEnd(16)} ${result.steps} steps ${trainSeconds.toFixed(0)} s, best step ${result.best?.step} (val ${(100 * (result.best?.value ?? NaN)).toFixed(1)}) | ` +
          users.map((u) => `${u} ${evaluation.ks.map((k) => (100 * heldout[u][k]).toFixed(1)).join('/')}`).join('  '),
      );
    }
  }
  if (oracleLogLikelihood.size === users.length) {
    const heldout = typePosteriorAccuracy(set, oracleLogLikelihood, seed);
    runs.push({ seed, model: 'type-posterior', kind: 'bayes-over-oracles', user: null, heldout });
    log(
      `seed ${seed} ${'type-posterior'.padEnd(16)} | ${users.map((u) => `${u} ${evaluation.ks.map((k) => (100 * heldout[u][k]).toFixed(1)).join('/')}`).join('  ')}`,
    );
  }
  log(`tensors alive: ${tf.memory().numTensors}`);
}
featurizer.dispose();

// Aggregate over seeds: mean of the per-seed held-out means, s.e. = sd over seeds / sqrt(seeds).
const stat = (values) => {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sem: sd / Math.sqrt(n), n, seeds: values };
};
const summary = {};
for (const label of [...new Set(runs.map((r) => r.model))]) {
  summary[label] = {};
  for (const u of users) {
    summary[label][u] = {};
    for (const k of evaluation.ks) summary[label][u][k] = stat(runs.filter((r) => r.model === label).map((r) => r.heldout[u][k]));
  }
}
const pct = (s) => `${(100 * s.mean).toFixed(1)} ± ${(100 * s.sem).toFixed(1)}`;
const lines = [];
lines.push(`| model | user | ${evaluation.ks.map((k) => `k=${k}`).join(' | ')} |`);
lines.push(`|---|---|${evaluation.ks.map(() => '---:').join('|')}|`);
for (const [label, byUser] of Object.entries(summary)) {
  for (const u of users) {
    // An oracle's row that matters is its own user's.
    if (label.startsWith('btl-') && label !== 'btl-mixed' && label !== `btl-${u}`) continue;
    lines.push(`| ${label} | ${u} | ${evaluation.ks.map((k) => pct(byUser[u][k])).join(' | ')} |`);
  }
}
const table = lines.join('\n');
console.log(table);
const wall = (performance.now() - started) / 1000;

// The issue's acceptance checks, from the seed means at the largest k.
const kMax = Math.max(...evaluation.ks);
const meanOver = (label) => users.reduce((a, u) => a + (summary[label]?.[u]?.[kMax]?.mean ?? NaN), 0) / users.length;
const checks = {};
if (summary['np-btl']) {
  checks.np_btl_mean_at_kmax = meanOver('np-btl');
  const oracleLabels = users.map((u) => `btl-${u}`);
  if (oracleLabels.every((l) => summary[l])) checks.oracle_mean = users.reduce((a, u) => a + summary[`btl-${u}`][u][kMax].mean, 0) / users.length;
  if (summary['btl-mixed']) {
    checks.np_btl_minus_btl_mixed_at_kmax = Object.fromEntries(users.map((u) => [u, summary['np-btl'][u][kMax].mean - summary['btl-mixed'][u][kMax].mean]));
    checks.btl_mixed_mean = meanOver('btl-mixed');
  }
  checks.rising_with_k = Object.fromEntries(
    users.map((u) => {
      const curve = evaluation.ks.map((k) => summary['np-btl'][u][k].mean);
      return [u, { monotone: curve.every((v, i) => i === 0 || v >= curve[i - 1]), kmax_minus_k0: curve.at(-1) - curve[0] }];
    }),
  );
}
const load = machineLoad();
const markdown = [
  `# ${args.dataset}: held-out accuracy (%) vs k, mean ± s.e. over seeds ${args.seeds}`,
  '',
  `- command: \`${command}\``,
  `- wall: ${wall.toFixed(0)} s (embeddings ${embedSeconds.toFixed(1)} s, cache ${cached.status}); backend ${backendInfo.backend}, ${backendInfo.threads} thread(s), steerable kernels ${backendInfo.steerable_kernels}`,
  `- machine: ${loadBefore.cpus} cores, load average before ${loadBefore.loadavg_1m}/${loadBefore.loadavg_5m}/${loadBefore.loadavg_15m}, after ${load.loadavg_1m}/${load.loadavg_5m}/${load.loadavg_15m} (shared machine)`,
  `- data: ${dataset.files.map((f) => f.split('/').slice(-2).join('/')).join(', ')}; ${dataset.filter ? `filter ${JSON.stringify(dataset.filter)}; ` : ''}split by ${dataset.splitBy} ${dataset.splitFractions.join('/')} (re-drawn per seed); ${selected.length} labels; users ${users.join(', ')}`,
  `- features: ${featurizer.description.kind} ${featurizer.description.encoder}, recipe ${featurizer.description.recipe}, ${featurizer.description.truncation}`,
  `- evaluation: split ${evaluation.split}, T = ${evaluation.numTargets}, ${evaluation.tasksPerUser} tasks per user and k, targets disjoint from the context; s.e. is over seeds (per-seed values in the JSON)`,
  `- oracles (btl-<user>) are the BTL config trained on that user's labels only; only their own user's row is shown`,
  ...(runs.some((r) => r.model === 'type-posterior')
    ? [
        "- type-posterior: Bayes over the user types with the oracles (temperature-calibrated on their own type's validation labels) as likelihoods and a uniform prior, on the same tasks: what reading the type from k choices gives with these features (no training of its own)",
      ]
    : []),
  '',
  table,
  '',
  ...(Object.keys(checks).length ? [`checks (seed means at k = ${kMax}):`, '', '```json', JSON.stringify(checks, null, 2), '```', ''] : []),
].join('\n');
const output = {
  dataset: args.dataset,
  split: evaluation.split,
  command,
  wall_seconds: wall,
  embed_seconds: embedSeconds,
  cache: { status: cached.status, directory: cached.directory, key: cached.key },
  backend: {
    backend: backendInfo.backend,
    threads: backendInfo.threads,
    steerable_kernels: backendInfo.steerable_kernels,
    tfjs: backendInfo.tfjs_version,
    node: backendInfo.node_version,
  },
  machine_load: { before: loadBefore, after: load },
  featurizer: featurizer.description,
  data: {
    files: dataset.files.map((f) => f.split('/').slice(-2).join('/')),
    filter: dataset.filter,
    split_by: dataset.splitBy,
    split_fractions: dataset.splitFractions,
    labels: selected.length,
    users,
  },
  evaluation,
  configs: Object.fromEntries(modelNames.map((n) => [n, configs.models[n]])),
  seeds: args.seeds.split(',').map(Number),
  summary,
  checks,
  runs: runs.map(({ report, ...rest }) => rest),
};
if (args.out) {
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'results.json'), `${JSON.stringify(output, null, 2)}\n`);
  writeFileSync(join(args.out, 'table.md'), `${markdown}\n`);
}
log(`wall ${wall.toFixed(0)} s`);
