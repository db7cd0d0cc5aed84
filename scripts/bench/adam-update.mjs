#!/usr/bin/env node
// Times the fused Adam step (core's AdamUpdate kernel, one call per parameter) on wasm, per
// parameter shape: what Adam.apply pays per parameter, the engine's runKernel included. Plain Adam
// at step 10 (the paper's optimizer: no weight decay, no clipping); --clip adds a gradient scale.
// Needs the built packages (`pnpm build`).
//
//   node scripts/bench/adam-update.mjs [--shapes 8192x256,4096x256] [--reps 15] [--threads 2] [--clip] [--root DIR]
//   node scripts/bench/adam-update.mjs --compare OLD_CHECKOUT [--rounds 3] [same options]
//
// --root loads another checkout's built packages. --compare answers "old kernel against new": it
// runs this checkout and OLD_CHECKOUT (a built copy of an earlier commit, e.g. from
// `git archive <commit> | tar -x -C DIR`, then `pnpm install --offline && pnpm build` there) in
// alternating child processes, --rounds each, and prints the median (min-max) of all their reps
// per shape. Shapes of fewer than 64k elements repeat the call within a rep (the time printed is
// per call), so that a rep is long enough to time.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadStack, root } from './load.mjs';

const { values: args } = parseArgs({
  options: {
    shapes: { type: 'string', default: '8192x256,4096x256,256x256,4096,256,16' },
    reps: { type: 'string', default: '15' },
    threads: { type: 'string', default: '2' },
    clip: { type: 'boolean', default: false },
    root: { type: 'string' },
    compare: { type: 'string' },
    rounds: { type: 'string', default: '3' },
  },
});
const withSlash = (dir) => (dir.endsWith('/') ? dir : `${dir}/`);

if (args.compare) {
  const script = fileURLToPath(import.meta.url);
  const trees = { old: withSlash(args.compare), new: root };
  const childArgs = ['--shapes', args.shapes, '--reps', args.reps, '--threads', args.threads, ...(args.clip ? ['--clip'] : [])];
  const samples = new Map(); // `${tree} ${shape}` -> ms per call
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const [tree, dir] of Object.entries(trees)) {
      const child = spawnSync(process.execPath, [script, ...childArgs, '--root', dir], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${tree} run failed: ${child.stderr}`);
      for (const line of child.stdout.trim().split('\n')) {
        const row = JSON.parse(line);
        const key = `${tree} ${row.shape}`;
        samples.set(key, [...(samples.get(key) ?? []), ...row.samples_ms]);
      }
    }
  }
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s.at(-1), n: s.length };
  };
  const fmt = ({ median, min, max }) => `${median.toPrecision(3)} (${min.toPrecision(3)}-${max.toPrecision(3)})`;
  console.log(
    `AdamUpdate on wasm, ${args.threads} threads${args.clip ? ', clipped' : ''}: ms per call, median (min-max) of ${args.rounds} x ${args.reps} reps per checkout`,
  );
  console.log('| shape | old | new | old / new |');
  console.log('|---|---|---|---|');
  for (const shape of args.shapes.split(',')) {
    const before = stats(samples.get(`old ${shape}`));
    const after = stats(samples.get(`new ${shape}`));
    console.log(`| [${shape.replaceAll('x', ', ')}] | ${fmt(before)} | ${fmt(after)} | ${(before.median / after.median).toFixed(1)}x |`);
  }
  process.exit(0);
}

const { tf, kernels, core } = await loadStack(args.root ? withSlash(args.root) : root);
const info = await kernels.initBackend({ backend: 'wasm', wasmThreads: Number(args.threads) });
if (info.backend !== 'wasm') throw new Error(`got backend ${info.backend}`);
const reps = Number(args.reps);
const step = 10;
const attrs = {
  lr: 1e-4,
  beta1: 0.9,
  beta2: 0.999,
  eps: 3e-5,
  weightDecay: 0,
  decoupledWeightDecay: false,
  biasCorrection1: 1 - 0.9 ** step,
  biasCorrection2: 1 - 0.999 ** step,
};
const rng = new core.Rng(1);
const random = (size, scale) => Float32Array.from({ length: size }, () => rng.normal() * scale);

for (const shapeText of args.shapes.split(',')) {
  const shape = shapeText.split('x').map(Number);
  const size = shape.reduce((a, b) => a * b, 1);
  const inputs = {
    param: tf.tensor(random(size, 0.05), shape),
    grad: tf.tensor(random(size, 1e-3), shape),
    m: tf.tensor(random(size, 1e-4), shape),
    v: tf.tensor(
      random(size, 1e-4).map((x) => x * x),
      shape,
    ),
    ...(args.clip ? { gradScale: tf.scalar(0.5) } : {}),
  };
  const calls = Math.max(1, Math.ceil(65536 / size));
  const rep = () => {
    for (let i = 0; i < calls; i++) tf.dispose(tf.engine().runKernel(core.AdamUpdate, inputs, { ...attrs }));
  };
  for (let i = 0; i < 3; i++) rep();
  const samples = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    rep();
    samples.push((performance.now() - t0) / calls);
  }
  tf.dispose(Object.values(inputs));
  console.log(JSON.stringify({ shape: shapeText, calls_per_rep: calls, samples_ms: samples }));
}
process.exit(0);
