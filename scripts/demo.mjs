#!/usr/bin/env node
// The main job: train BTL, DPL and NP-BTL on the paper's synthetic data with the paper's
// hyperparameters, then evaluate all three together and print held-out accuracy versus k.
// Extra arguments go to every training command (for example --backend cpu or --epochs 1).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const train = join(root, 'apps/trainer/dist/cli.js');
const evaluate = join(root, 'apps/evaluation/dist/cli.js');
const extra = process.argv.slice(2);
const presets = ['synthetic-btl', 'synthetic-dpl', 'synthetic-np-btl'];
const runs = presets.map((preset) => join(root, 'runs/demo', preset));

function run(args) {
  // Node flags given to this script (e.g. --cpu-prof from scripts/bench/demo-profile.mjs) reach every step.
  const result = spawnSync(process.execPath, [...process.execArgv, ...args], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const started = Date.now();
for (const [i, preset] of presets.entries()) {
  process.stderr.write(`\n== ${i + 1}/${presets.length}: training ${preset}\n`);
  run([train, 'reward', '--preset', preset, '--out', runs[i], '--overwrite', ...extra]);
}
process.stderr.write('\n== evaluating\n');
const backend = extra.includes('--backend') ? ['--backend', extra[extra.indexOf('--backend') + 1]] : [];
run([evaluate, 'reward', '--run', ...runs, '--out', join(root, 'runs/demo/eval'), ...backend]);
process.stderr.write(`\ndemo finished in ${((Date.now() - started) / 60000).toFixed(1)} min; report: runs/demo/eval/report.html\n`);
