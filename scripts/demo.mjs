#!/usr/bin/env node
// The main job: train BTL, DPL and NP-BTL on the paper's synthetic data with the paper's
// hyperparameters, then evaluate all three together and print held-out accuracy versus k.
// Extra arguments go to every training command (for example --backend cpu or --epochs 1).
//
// The trainings are independent, so they run side by side as two lanes of child processes, one
// per core: NP-BTL (the longest) in one, BTL then DPL in the other; each on one wasm thread (a
// second thread per process measured slower with the other lane or other users busy: 171-177 s
// against 164 for the demo at load 5-7). The evaluation starts when the shorter lane is done.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = fileURLToPath(new URL('..', import.meta.url));
const train = join(root, 'apps/trainer/dist/cli.js');
const evaluate = join(root, 'apps/evaluation/dist/cli.js');
const extra = process.argv.slice(2);
const runDir = (preset) => join(root, 'runs/demo', preset);
// The table's order; the lanes only decide where each one trains.
const presets = ['synthetic-btl', 'synthetic-dpl', 'synthetic-np-btl'];
const lanes = [['synthetic-np-btl'], ['synthetic-btl', 'synthetic-dpl']];
// Node flags given to this script (e.g. --cpu-prof from scripts/bench/demo-profile.mjs) reach every step.
const node = (args) => [...process.execArgv, ...args];

const children = new Set();
// A failure ends the demo: whatever still runs is stopped with it.
const fail = (code) => {
  for (const child of children) child.kill();
  process.exit(code);
};

/**
 * Runs a command; with `pipe`, its output comes through line by line (two trainings' progress
 * lines interleave whole, and a child never sees a terminal, so it prints lines, not bars).
 */
function run(args, { pipe = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, node(args), { stdio: pipe ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    children.add(child);
    if (pipe) {
      createInterface({ input: child.stdout }).on('line', (line) => process.stdout.write(`${line}\n`));
      createInterface({ input: child.stderr }).on('line', (line) => process.stderr.write(`${line}\n`));
    }
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/** Trains a lane's presets one after another; the first failure ends the lane. */
async function trainLane(lane) {
  for (const preset of lane) {
    process.stderr.write(`\n== ${presets.indexOf(preset) + 1}/${presets.length}: training ${preset}\n`);
    const code = await run([train, 'reward', '--preset', preset, '--out', runDir(preset), '--overwrite', ...extra], { pipe: true });
    if (code !== 0) return code;
  }
  return 0;
}

const started = Date.now();
const backend = extra.includes('--backend') ? ['--backend', extra[extra.indexOf('--backend') + 1]] : [];
// --wait: the evaluation starts as soon as the shorter lane is done and scores BTL and DPL (and
// loads its modules and data) while NP-BTL still trains, then waits for NP-BTL.
const evaluateAll = () => {
  process.stderr.write('\n== evaluating\n');
  return run([evaluate, 'reward', '--run', ...presets.map(runDir), '--out', join(root, 'runs/demo/eval'), '--wait', ...backend]);
};
let evaluation;
if (availableParallelism() > 1) {
  const [longLane, shortLane] = lanes.map(trainLane);
  const shortCode = await Promise.race([shortLane, longLane.then((code) => (code !== 0 ? fail(code) : shortLane))]);
  if (shortCode !== 0) fail(shortCode);
  evaluation = evaluateAll();
  const longCode = await longLane;
  if (longCode !== 0) fail(longCode);
} else {
  // One lane at a time on a single core: side by side they would only take turns.
  for (const lane of lanes) {
    const code = await trainLane(lane);
    if (code !== 0) fail(code);
  }
  evaluation = evaluateAll();
}
const code = await evaluation;
if (code !== 0) fail(code);
process.stderr.write(`\ndemo finished in ${((Date.now() - started) / 1000).toFixed(0)} s; report: runs/demo/eval/report.html\n`);
