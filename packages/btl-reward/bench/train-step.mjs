#!/usr/bin/env node
// One NP-BTL training step (forward, backward, Adam) at the paper's size (D 4096, H 256, B 64,
// T 20, k 10, Linear pair encoder) and at the synthetic size (D 1, H 256, MLP pair encoder), per
// backend. Prints one JSON line per (workload, backend):
//   { workload, backend, variant, median_ms, min_ms, max_ms, n, warmup, threads }
// Runs against the built packages (`pnpm --filter @steerable/btl-reward... build`).
//
//   node packages/btl-reward/bench/train-step.mjs [--backends wasm,cpu] [--variant steerable|stock]
//        [--workloads np-btl-step-paper,np-btl-step-synthetic] [--reps 20] [--warmup 3] [--threads 2]
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const { values: args } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm,cpu' },
    backend: { type: 'string' },
    variant: { type: 'string', default: 'steerable' },
    workloads: { type: 'string', default: 'np-btl-step-paper,np-btl-step-synthetic' },
    reps: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    // wasm threads for the steerable variant (stock tfjs-wasm runs one thread in Node).
    threads: { type: 'string', default: '2' },
  },
});

// Each backend runs in its own process so kernel registrations cannot leak between them.
if (!args.backend) {
  for (const backend of args.backends.split(',')) {
    const out = execFileSync(
      process.execPath,
      [
        fileURLToPath(import.meta.url),
        '--backend',
        backend,
        '--variant',
        args.variant,
        '--workloads',
        args.workloads,
        '--reps',
        args.reps,
        '--warmup',
        args.warmup,
        '--threads',
        args.threads,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
    );
    process.stdout.write(out);
  }
  process.exit(0);
}

const tf = await import('@tensorflow/tfjs');
const { initBackend } = await import('@steerable/gpu-kernels');
const { Adam, Rng } = await import('@steerable/core');
const { createRewardModel, trainStep } = await import('../dist/index.js');

const steerable = args.variant !== 'stock';
const info = await initBackend({ backend: args.backend, steerableKernels: steerable, wasmThreads: steerable ? Number(args.threads) : 1 });
const WORKLOADS = {
  'np-btl-step-paper': { d: 4096, h: 256, b: 64, t: 20, k: 10, pairEncoder: 'linear' },
  'np-btl-step-synthetic': { d: 1, h: 256, b: 64, t: 20, k: 10, pairEncoder: 'mlp' },
};

for (const workload of args.workloads.split(',')) {
  const shape = WORKLOADS[workload];
  if (!shape) throw new Error(`unknown workload ${workload}`);
  const model = createRewardModel({ kind: 'np-btl', inputDim: shape.d, hiddenDim: shape.h, pairEncoder: shape.pairEncoder });
  const params = model.trainableParameters();
  const adam = new Adam(params, { lr: 1e-4, eps: 3e-5 });
  const rng = new Rng(0);
  const data = new Rng(1);
  const make = (n) => tf.tensor(data.fillNormal(new Float32Array(shape.b * n * shape.d)), [shape.b, n, shape.d]);
  const batch = { contextChosen: make(shape.k), contextRejected: make(shape.k), targetChosen: make(shape.t), targetRejected: make(shape.t) };
  // The step trainRewardModel runs per batch.
  const step = () => trainStep(model, adam, params, batch, { rng });
  const warmup = Number(args.warmup);
  const reps = Number(args.reps);
  for (let i = 0; i < warmup; i++) await step();
  const samples = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await step();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const round = (x) => Math.round(x * 100) / 100;
  const median = samples.length % 2 ? samples[(samples.length - 1) / 2] : (samples[samples.length / 2 - 1] + samples[samples.length / 2]) / 2;
  process.stdout.write(
    `${JSON.stringify({ workload, backend: info.backend, variant: args.variant, median_ms: round(median), min_ms: round(samples[0]), max_ms: round(samples.at(-1)), n: samples.length, warmup, threads: info.threads, params: model.numParameters() })}\n`,
  );
  adam.dispose();
  model.dispose();
  tf.dispose(Object.values(batch));
}

// The wasm threads shim's pthread workers would keep the process alive.
process.exit(0);
