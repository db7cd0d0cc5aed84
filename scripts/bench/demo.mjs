#!/usr/bin/env node
// The `demo` benchmark row: wall time of `node scripts/demo.mjs` (the built packages; `pnpm demo`
// without its build step), and the same experiment trained by the original code's loop in
// PyTorch-CPU as the reference (torch_demo_reference.py, on the episodes and tasks
// demo-reference-data.mjs writes). One JSON row per line on stdout, as the other bench workers:
//   { workload: 'demo', backend: 'wasm', variant: 'steerable', median_ms, min_ms, max_ms, n, load, heldout_overall }
//   { workload: 'demo', backend: 'torch-cpu', variant: 'reference', ... } (and one per model)
// The machine is shared: each run records the 1-minute load average before it started.
//
//   node scripts/bench/demo.mjs [--reps 3] [--no-torch] [--python /usr/bin/python3] [--torch-threads 2]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { root } from './load.mjs';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '1' },
    'no-torch': { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
    'torch-threads': { type: 'string', default: '2' },
  },
});
const note = (m) => process.stderr.write(`[demo] ${m}\n`);
const round = (x) => Math.round(x * 10) / 10;

/** Overall held-out accuracy (%) per model and k, from the demo's eval.json files. */
function heldoutOverall() {
  const dir = join(root, 'runs/demo/eval');
  const out = {};
  for (const model of readdirSync(dir)) {
    const file = join(dir, model, 'eval.json');
    if (!existsSync(file)) continue;
    const overall = JSON.parse(readFileSync(file, 'utf8')).heldout.overall;
    out[model] = Object.fromEntries(Object.entries(overall).map(([k, s]) => [k, round(100 * s.mean)]));
  }
  return out;
}

const samples = [];
const loads = [];
for (let i = 0; i < Number(args.reps); i++) {
  const load = loadavg()[0];
  const t0 = performance.now();
  const result = spawnSync(process.execPath, [join(root, 'scripts/demo.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const ms = performance.now() - t0;
  if (result.status !== 0) throw new Error(`scripts/demo.mjs exited with ${result.status ?? result.signal}`);
  note(`run ${i + 1}: ${(ms / 1000).toFixed(1)} s, load average ${load.toFixed(2)} before`);
  samples.push(ms);
  loads.push(round(load));
}
const sorted = [...samples].sort((a, b) => a - b);
const median = sorted[Math.floor((sorted.length - 1) / 2)] / 2 + sorted[Math.ceil((sorted.length - 1) / 2)] / 2;
process.stdout.write(
  `${JSON.stringify({ workload: 'demo', backend: 'wasm', variant: 'steerable', median_ms: Math.round(median), min_ms: Math.round(sorted[0]), max_ms: Math.round(sorted.at(-1)), n: sorted.length, load: loads, heldout_overall: heldoutOverall() })}\n`,
);

if (!args['no-torch']) {
  if (!existsSync(args.python) || spawnSync(args.python, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) {
    note(`PyTorch reference skipped: ${args.python} has no torch (apt-get install -y python3-torch libopenblas0-pthread)`);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'demo-reference-'));
    try {
      const data = join(dir, 'data.json');
      const written = spawnSync(process.execPath, [join(root, 'scripts/bench/demo-reference-data.mjs'), data], { stdio: ['ignore', 'ignore', 'inherit'] });
      if (written.status !== 0) throw new Error('demo-reference-data.mjs failed');
      const threads = args['torch-threads'];
      note(`PyTorch reference (${threads} threads; minutes)`);
      const load = loadavg()[0];
      const ref = spawnSync(args.python, [join(root, 'scripts/bench/torch_demo_reference.py'), data, '--threads', threads], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads },
      });
      for (const line of (ref.stdout ?? '').split('\n').filter((l) => l.startsWith('{')))
        process.stdout.write(`${JSON.stringify({ ...JSON.parse(line), load: [round(load)] })}\n`);
      if (ref.status !== 0) note(`torch_demo_reference.py exited with ${ref.status ?? ref.signal}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
