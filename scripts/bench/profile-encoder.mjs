#!/usr/bin/env node
// One USE-lite batch (32 of the benchmark's synthetic paragraphs, 128 tokens each after the
// graph's cut) under tf.profile on wasm: time per kernel type, then every call over --min-ms with
// its shapes. Stock and steerable kernels in one process, alternating over --rounds profiled
// batches, so that both see the same machine; the table gives each kernel's median over rounds.
// Needs the built packages (`pnpm build`).
//
//   node scripts/bench/profile-encoder.mjs [--threads 1] [--rounds 3] [--min-ms 2] [--json FILE] [--base DIR]
//
// --base DIR takes tfjs and this package's kernels from another checkout (built: `git archive REV`,
// `pnpm install --offline && pnpm build`), to profile an older version of the kernels against the
// same stock reference; the model and the texts still come from this checkout.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadStack } from './load.mjs';
import { USE_LITE_MAX_TOKENS, sparseBatch, loadUseLite } from './use-lite-model.mjs';
import { syntheticTexts } from './synthetic-texts.mjs';

const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    'min-ms': { type: 'string', default: '2' },
    json: { type: 'string' },
    base: { type: 'string' },
  },
});
const { tf, kernels } = await loadStack(args.base ? `${args.base.replace(/\/$/, '')}/` : undefined);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const info = await kernels.initBackend({ backend: 'wasm', wasmThreads: Number(args.threads) });
if (args.base) console.log(`steerable kernels from ${args.base}`);
const { model, tokenize } = await loadUseLite(tf);
const tokenLists = syntheticTexts(32, tokenize).map((text) => tokenize(text).slice(0, USE_LITE_MAX_TOKENS));

async function profileBatch() {
  const { indices, values } = sparseBatch(tf, tokenLists);
  const result = await tf.profile(async () => {
    const out = await model.executeAsync({ indices, values });
    await out.data();
    out.dispose();
  });
  tf.dispose([indices, values]);
  return result.kernels;
}

const variants = { stock: [], steerable: [] };
for (let round = 0; round < Number(args.rounds); round++) {
  for (const variant of round % 2 === 0 ? ['stock', 'steerable'] : ['steerable', 'stock']) {
    if (variant === 'stock') kernels.unregisterSteerableKernels('wasm');
    else kernels.registerSteerableKernels('wasm', silent);
    await profileBatch(); // warm-up: first calls set kernels up
    variants[variant].push(await profileBatch());
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const byKernel = (calls) => {
  const totals = new Map();
  for (const k of calls) {
    const e = totals.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += k.kernelTimeMs;
    e.calls += 1;
    totals.set(k.name, e);
  }
  return totals;
};
const summary = {};
for (const [variant, rounds] of Object.entries(variants)) {
  const names = new Set(rounds.flatMap((calls) => calls.map((k) => k.name)));
  const perRound = rounds.map(byKernel);
  const kernelsList = [...names].map((name) => ({
    kernel: name,
    ms: median(perRound.map((t) => t.get(name)?.ms ?? 0)),
    calls: perRound[0].get(name)?.calls ?? 0,
  }));
  kernelsList.sort((a, b) => b.ms - a.ms);
  const total = median(rounds.map((calls) => calls.reduce((s, k) => s + k.kernelTimeMs, 0)));
  const big = rounds
    .at(-1)
    .filter((k) => k.kernelTimeMs >= Number(args['min-ms']))
    .map((k) => ({ kernel: k.name, ms: k.kernelTimeMs, inputs: k.inputShapes, outputs: k.outputShapes }));
  summary[variant] = { total_ms: total, kernels: kernelsList, calls_over_min_ms: big };
}
const round = (x) => Math.round(x * 10) / 10;
console.log(`USE-lite, one batch of 32 x 128 tokens, wasm ${info.threads} thread(s), median of ${args.rounds} profiled batches per variant`);
const speedup = (summary.stock.total_ms / summary.steerable.total_ms).toFixed(2);
console.log(`kernel time: stock ${round(summary.stock.total_ms)} ms, steerable ${round(summary.steerable.total_ms)} ms (${speedup}x)\n`);
const names = [...new Set([...summary.stock.kernels, ...summary.steerable.kernels].map((k) => k.kernel))];
const find = (variant, name) => summary[variant].kernels.find((k) => k.kernel === name);
names.sort((a, b) => (find('stock', b)?.ms ?? 0) - (find('stock', a)?.ms ?? 0));
console.log(`${'kernel'.padEnd(16)} ${'calls'.padStart(5)} ${'stock ms'.padStart(10)} ${'steerable ms'.padStart(13)}`);
for (const name of names) {
  const s = find('stock', name);
  const o = find('steerable', name);
  if ((s?.ms ?? 0) < 0.5 && (o?.ms ?? 0) < 0.5) continue;
  const cell = (k, width) => (k ? round(k.ms).toFixed(1) : '-').padStart(width);
  console.log(`${name.padEnd(16)} ${String(s?.calls ?? o?.calls).padStart(5)} ${cell(s, 10)} ${cell(o, 13)}`);
}
for (const variant of ['stock', 'steerable']) {
  console.log(`\n${variant}: calls over ${args['min-ms']} ms (last round)`);
  for (const k of summary[variant].calls_over_min_ms) {
    console.log(`  ${k.ms.toFixed(1).padStart(7)} ${k.kernel.padEnd(14)} ${JSON.stringify(k.inputs)} -> ${JSON.stringify(k.outputs)}`);
  }
}
if (args.json) writeFileSync(args.json, `${JSON.stringify({ threads: info.threads, rounds: Number(args.rounds), ...summary }, null, 2)}\n`);
// Exit at once: nothing else is waited for (the threads shim's pthread Workers are unref'd).
process.exit(0);
