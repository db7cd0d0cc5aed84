#!/usr/bin/env node
// The fused set-attention pooling kernels alone, at the NP-BTL step's shape ([512, 10, 32] by
// default): each kernel called directly through the engine (no tape, no composite), timed wall
// clock per call, median (min-max) of --reps after warm-up. On wasm the registered kernel is the
// SIMD module where the engine has wasm SIMD; on cpu it is the shared JS implementation. Needs the
// built packages (`pnpm build`).
//
//   node scripts/bench/set-attention-pool.mjs [--backend wasm|cpu] [--threads 2] [--reps 15]
//                                             [--shape 512,10,32] [--json FILE]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadStack } from './load.mjs';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string', default: '2' },
    reps: { type: 'string', default: '15' },
    shape: { type: 'string', default: '512,10,32' },
    json: { type: 'string' },
  },
});
const reps = Number(args.reps);
const [g, n, d] = args.shape.split(',').map(Number);
const { tf, kernels } = await loadStack();
const info = await kernels.initBackend({ backend: args.backend, wasmThreads: Number(args.threads) });

const q = tf.randomNormal([g, n, d], 0, 1, 'float32', 1);
const k = tf.randomNormal([g, n, d], 0, 1, 'float32', 2);
const v = tf.randomNormal([g, n, d], 0, 1, 'float32', 3);
// Dropout at rate 0.1, as in training: 0 or 1 / 0.9.
const weightsMask = tf.tidy(() => tf.div(tf.cast(tf.greater(tf.randomUniform([g, n, n], 0, 1, 'float32', 4), 0.1), 'float32'), 0.9));
const dy = tf.randomNormal([g, d], 0, 1, 'float32', 5);

const run = (name, inputs) => () => {
  const out = tf.engine().runKernel(name, inputs);
  tf.dispose(out);
};
const forward = run(kernels.SteerableSetAttentionPool, { q, k, v, weightsMask });
const gradient = run(kernels.SteerableSetAttentionPoolGrad, { dy, q, k, v, weightsMask });

function time(fn) {
  for (let i = 0; i < 5; i++) fn();
  const samples = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const round = (x) => Math.round(x * 1000) / 1000;
  return { median_ms: round(samples[Math.floor(samples.length / 2)]), min_ms: round(samples[0]), max_ms: round(samples.at(-1)), n: reps };
}

const rows = [
  { kernel: 'forward', ...time(forward) },
  { kernel: 'gradient', ...time(gradient) },
].map((row) => ({ ...row, backend: info.backend, threads: info.threads, shape: [g, n, d] }));
for (const row of rows)
  process.stdout.write(`${row.kernel.padEnd(9)} ${row.backend} [${g}, ${n}, ${d}]: ${row.median_ms} ms (${row.min_ms}-${row.max_ms}, n=${row.n})\n`);
if (args.json) writeFileSync(args.json, `${JSON.stringify(rows, null, 2)}\n`);
tf.dispose([q, k, v, weightsMask, dy]);
process.exit(0);
