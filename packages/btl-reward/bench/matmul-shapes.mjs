#!/usr/bin/env node
// GFLOP/s of the matmuls in one NP-BTL training step at the paper size (D 4096, H 256, B 64,
// T 20, k 10), on the active backend: forward (x W), weight gradient (x^T dy) and input gradient
// (dy W^T), each as tfjs's gradients call it (a transposed operand) and in the alternative forms
// written with explicit transposes, interleaved in one process so that load hits all alike.
//
//   node packages/btl-reward/bench/matmul-shapes.mjs [--threads 2] [--reps 5]
import { parseArgs } from 'node:util';
import { loadStack } from '../../../scripts/bench/load.mjs';

const { values: args } = parseArgs({
  options: { threads: { type: 'string', default: '2' }, reps: { type: 'string', default: '5' }, backend: { type: 'string', default: 'wasm' } },
});
const { tf, kernels } = await loadStack();
await kernels.initBackend({ backend: args.backend, wasmThreads: Number(args.threads) });

const D = 4096;
const H = 256;
const OPTIONS = 64 * 20 * 2;
const PAIRS = 64 * 10;

// [label, flops, { variant: () => Tensor }]
const cases = [];
function weightGradient(label, rows, inDim, outDim) {
  const x = tf.randomNormal([rows, inDim]);
  const dy = tf.randomNormal([rows, outDim]);
  cases.push([
    `${label} dW = x^T dy  x [${rows}, ${inDim}]`,
    2 * rows * inDim * outDim,
    {
      'transposeA (as tfjs grads call it)': () => tf.matMul(x, dy, true, false),
      'explicit: transpose(x) then matMul': () => tf.matMul(tf.transpose(x), dy),
      'explicit: (dy^T x)^T': () => tf.transpose(tf.matMul(tf.transpose(dy), x)),
    },
  ]);
}
function forward(label, rows, inDim, outDim) {
  const x = tf.randomNormal([rows, inDim]);
  const w = tf.randomNormal([inDim, outDim]);
  cases.push([`${label} fwd x W  [${rows}, ${inDim}] x [${inDim}, ${outDim}]`, 2 * rows * inDim * outDim, { plain: () => tf.matMul(x, w) }]);
}
function inputGradient(label, rows, inDim, outDim) {
  const dy = tf.randomNormal([rows, outDim]);
  const w = tf.randomNormal([inDim, outDim]);
  cases.push([
    `${label} dx = dy W^T  [${rows}, ${outDim}] x [${outDim}, ${inDim}]`,
    2 * rows * inDim * outDim,
    {
      'transposeB (as tfjs grads call it)': () => tf.matMul(dy, w, false, true),
    },
  ]);
}
forward('reference 1024^3', 1024, 1024, 1024);
forward('pair encoder, concat', PAIRS, 2 * D, H);
forward('pair encoder, one half', PAIRS, D, H);
forward('phi1', OPTIONS, D, H);
weightGradient('pair encoder, concat', PAIRS, 2 * D, H);
weightGradient('pair encoder, one half', PAIRS, D, H);
weightGradient('phi1', OPTIONS, D, H);
forward('HxH layers', OPTIONS, H, H);
weightGradient('HxH layers', OPTIONS, H, H);
inputGradient('HxH layers', OPTIONS, H, H);
{
  // q, k and v consume the same input: one [H, 3H] matmul (as MultiHeadAttention stores it) or three [H, H].
  const u = tf.randomNormal([PAIRS, H]);
  const wide = tf.randomNormal([H, 3 * H]);
  const parts = [0, 1, 2].map(() => tf.randomNormal([H, H]));
  cases.push([
    `in-proj: same input, one wide matmul or three  [${PAIRS}, ${H}] x [${H}, ${3 * H}]`,
    2 * PAIRS * H * 3 * H,
    {
      'one [H, 3H] matmul': () => tf.matMul(u, wide),
      'three [H, H] matmuls': () => tf.stack(parts.map((w) => tf.matMul(u, w))),
    },
  ]);
}

const reps = Number(args.reps);
for (const [label, flops, variants] of cases) {
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let r = 0; r < reps + 1; r++) {
    for (const [name, fn] of Object.entries(variants)) {
      const t0 = performance.now();
      const out = tf.tidy(fn);
      await out.data();
      const ms = performance.now() - t0;
      out.dispose();
      if (r > 0) samples[name].push(ms);
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const busy = (cpu.user + cpu.system) / 1000 / (performance.now() - wall0);
  console.log(`${label}  (cpu/wall ${busy.toFixed(2)})`);
  // CPU time over wall time shows how many of the threads actually ran (the machine is shared).
  for (const [name, s] of Object.entries(samples)) {
    s.sort((a, b) => a - b);
    const med = s[Math.floor(s.length / 2)];
    console.log(`  ${name.padEnd(38)} median ${med.toFixed(2).padStart(7)} ms (min ${s[0].toFixed(2)})  ${(flops / med / 1e6).toFixed(1).padStart(5)} GFLOP/s`);
  }
}
process.exit(0);
