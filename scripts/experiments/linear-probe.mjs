#!/usr/bin/env node
// A linear probe on USE-lite features: per-criterion (oracle) and pooled logistic regressions on
// f(chosen) - f(rejected), trained on training prompts, L2 strength chosen on validation prompts,
// accuracy on test prompts. Cheap enough to compare feature recipes and truncations before
// training reward models; it is not a reward model.
//   node scripts/experiments/linear-probe.mjs --dataset dialsummeval|relabeled-hh [--seeds 0,1,2] [--json OUT]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DATASETS, loadDatasetPairs } from './datasets.mjs';
import { join } from 'node:path';
import { loadExperimentStack, machineLoad, root } from './stack.mjs';

const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'dialsummeval' },
    seeds: { type: 'string', default: '0,1,2' },
    json: { type: 'string' },
    variants: { type: 'string' },
  },
});
const started = performance.now();
const loadBefore = machineLoad();
const { tf, data } = await loadExperimentStack();
const dataset = DATASETS[args.dataset];
const pairs = await loadDatasetPairs(data, dataset);
const featurizer = await data.useLiteFeaturizer();
const encoder = featurizer.encoder;
const D = data.USE_LITE_DIM;

// Per-text embeddings under three ways of reading a long text.
const texts = [...new Set(pairs.flatMap((p) => [p.prompt, p.chosen, p.rejected]))];
const index = new Map(texts.map((t, i) => [t, i]));
const full = texts.map((t) => {
  const ids = encoder.tokenize(t);
  return ids.length ? ids : encoder.tokenize(' ');
});
const MAX = data.USE_LITE_MAX_TOKENS;
// The three tables are kept on disk between probe runs (keyed by the texts), so variants are cheap to add.
const { createHash } = await import('node:crypto');
const { existsSync, mkdirSync, readFileSync } = await import('node:fs');
const probeCache = join(root, 'node_modules/.cache/steerable/probe');
mkdirSync(probeCache, { recursive: true });
const textsKey = createHash('sha256').update(texts.join('\u0000')).digest('hex').slice(0, 16);
const cachedTable = async (name, compute) => {
  const file = join(probeCache, `${textsKey}-${name}.f32`);
  if (existsSync(file)) {
    const b = readFileSync(file);
    return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4).slice();
  }
  const table = await compute();
  writeFileSync(file, Buffer.from(table.buffer, table.byteOffset, table.byteLength));
  return table;
};
const head = await cachedTable('head', () => encoder.embedTokens(full.map((ids) => ids.slice(0, MAX))));
const tail = await cachedTable('tail', () => encoder.embedTokens(full.map((ids) => ids.slice(-MAX))));
const windows = await cachedTable('windows', async () => {
  const windows = new Float32Array(head.length);
  const pieces = [];
  const owner = [];
  full.forEach((ids, i) => {
    for (let s = 0; s < ids.length; s += MAX) {
      pieces.push(ids.slice(s, s + MAX));
      owner.push(i);
    }
  });
  const e = await encoder.embedTokens(pieces);
  owner.forEach((i, j) => {
    for (let d = 0; d < D; d++) windows[i * D + d] += e[j * D + d];
  });
  for (let i = 0; i < texts.length; i++) {
    let n = 0;
    for (let d = 0; d < D; d++) n += windows[i * D + d] ** 2;
    n = Math.sqrt(n);
    for (let d = 0; d < D; d++) windows[i * D + d] /= n;
  }
  return windows;
});
featurizer.dispose();
const longTexts = full.filter((ids) => ids.length > MAX).length;
console.log(`${texts.length} texts, ${longTexts} over ${MAX} tokens, embedded in ${((performance.now() - started) / 1000).toFixed(0)} s`);

const vec = (table, text) => table.subarray(index.get(text) * D, (index.get(text) + 1) * D);
const VARIANTS = {
  'r,r*p,loglen (head)': { prompt: head, response: head, product: true, length: true },
  'r,r*p,loglen (prompt windows)': { prompt: windows, response: head, product: true, length: true },
  'r,r*p,loglen (prompt tail)': { prompt: tail, response: head, product: true, length: true },
  'r,r*p,loglen (all windows)': { prompt: windows, response: windows, product: true, length: true },
  'r,r*p (head)': { prompt: head, response: head, product: true, length: false },
  'r,p,loglen (head)': { prompt: head, response: head, product: false, promptItself: true, length: true },
  'r,loglen (head)': { prompt: head, response: head, product: false, length: true },
};
function features(variant, prompt, response) {
  const r = vec(variant.response, response);
  const parts = [r];
  if (variant.product) {
    const p = vec(variant.prompt, prompt);
    parts.push(r.map((x, d) => x * p[d]));
  }
  if (variant.promptItself) parts.push(vec(variant.prompt, prompt));
  if (variant.length) parts.push(Float32Array.of(Math.log1p(response.length)));
  const out = new Float32Array(parts.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

function fitRidge(X, n, dim, lambda) {
  // Logistic regression without bias on +-(f(chosen) - f(rejected)): symmetric by construction.
  return tf.tidy(() => {
    const x = tf.tensor2d(X, [n, dim]);
    const w = tf.variable(tf.zeros([dim, 1]));
    const opt = tf.train.adam(0.01);
    for (let step = 0; step < 300; step++) {
      opt.minimize(() => tf.add(tf.mean(tf.softplus(tf.neg(tf.matMul(x, w)))), tf.mul(lambda, tf.sum(tf.square(w)))));
    }
    const out = w.dataSync().slice();
    opt.dispose();
    w.dispose();
    return out;
  });
}
const accuracy = (w, X, n, dim) => {
  let c = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += X[i * dim + d] * w[d];
    if (s > 0) c++;
  }
  return c / n;
};

const users = [...new Set(pairs.map((p) => p.user))].sort();
const seeds = args.seeds.split(',').map(Number);
const results = {};
for (const [name, variant] of Object.entries(VARIANTS).filter(([n]) => !args.variants || args.variants.split('|').includes(n))) {
  const perSeed = [];
  for (const seed of seeds) {
    const split = dataset.split(data, pairs, seed);
    const design = (subset) => {
      const dim = features(variant, subset[0].prompt, subset[0].chosen).length;
      const X = new Float32Array(subset.length * dim);
      subset.forEach((p, i) => {
        const a = features(variant, p.prompt, p.chosen);
        const b = features(variant, p.prompt, p.rejected);
        for (let d = 0; d < dim; d++) X[i * dim + d] = a[d] - b[d];
      });
      return { X, n: subset.length, dim };
    };
    // Columns scaled by their training spread: the product block is ~20x smaller than e(r), which an
    // unscaled probe would leave near its zero initialisation.
    const standardize = (train, ...others) => {
      const sd = new Float32Array(train.dim);
      for (let i = 0; i < train.n; i++) for (let d = 0; d < train.dim; d++) sd[d] += train.X[i * train.dim + d] ** 2;
      for (let d = 0; d < train.dim; d++) sd[d] = Math.sqrt(sd[d] / train.n) || 1;
      for (const m of [train, ...others]) for (let i = 0; i < m.n; i++) for (let d = 0; d < m.dim; d++) m.X[i * m.dim + d] /= sd[d];
    };
    const of = (s, user) => split.filter((p) => p.split === s && (user === undefined || p.user === user));
    const row = {};
    for (const user of [...users, undefined]) {
      const train = design(of('train', user));
      const validation = design(of('validation', user));
      const tests = Object.fromEntries((user === undefined ? users : [user]).map((target) => [target, design(of('test', target))]));
      standardize(train, validation, ...Object.values(tests));
      let best = null;
      for (const lambda of [1e-4, 1e-3, 1e-2, 1e-1]) {
        const w = fitRidge(train.X, train.n, train.dim, lambda);
        const acc = accuracy(w, validation.X, validation.n, validation.dim);
        if (!best || acc > best.acc) best = { acc, w, lambda };
      }
      for (const target of user === undefined ? users : [user]) {
        const test = tests[target];
        row[user === undefined ? `pooled/${target}` : `oracle/${target}`] = accuracy(best.w, test.X, test.n, test.dim);
      }
    }
    perSeed.push(row);
  }
  const keys = Object.keys(perSeed[0]);
  results[name] = Object.fromEntries(
    keys.map((k) => {
      const v = perSeed.map((r) => r[k]);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1));
      return [k, { mean: m, sem: sd / Math.sqrt(v.length), seeds: v }];
    }),
  );
  const line = keys.map((k) => `${k} ${(100 * results[name][k].mean).toFixed(1)}`).join('  ');
  const oracleMean = users.reduce((a, u) => a + results[name][`oracle/${u}`].mean, 0) / users.length;
  console.log(`${name.padEnd(32)} oracle mean ${(100 * oracleMean).toFixed(1)} | ${line}`);
}
const report = {
  dataset: args.dataset,
  seeds,
  texts: texts.length,
  long_texts: longTexts,
  results,
  wall_s: (performance.now() - started) / 1000,
  load_before: loadBefore,
  load_after: machineLoad(),
  command: `node scripts/experiments/linear-probe.mjs ${process.argv.slice(2).join(' ')}`,
};
if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
