#!/usr/bin/env node
// Where the demo's seconds go: runs `node scripts/demo.mjs` (needs the built packages) with every
// node process under V8's sampling profiler (--cpu-prof, 1 ms), then sorts each process's samples
// into phases by the functions and modules on the sampled stack (first match wins), and prints
// one table per process plus the demo's wall time and the machine's load. Times are
// main-thread samples: with one wasm thread per process (the CLI default) that is all the work.
//
//   node scripts/bench/demo-profile.mjs [--keep DIR] [--json FILE] [-- extra demo arguments]
//
// Async frames: a resumed async function is on the stack, its awaiting caller is not, so phases
// are named by functions that do their work synchronously (trainStep, scoreTasks, ...) or by module
// (vega, resvg); what matches nothing is "other" (CLI code, logging, file writes, V8 internals).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { root } from './load.mjs';

const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const { values: args } = parseArgs({ args: split < 0 ? argv : argv.slice(0, split), options: { keep: { type: 'string' }, json: { type: 'string' } } });
const demoArgs = split < 0 ? [] : argv.slice(split + 1);

/** [phase, matcher] in priority order: a sample goes to the first phase one of whose frames matches. */
const PHASES = [
  ['module loading', (f) => f.url.startsWith('node:internal/modules') || f.functionName === 'compileSourceTextModule'],
  ['tfjs/wasm init', (f) => f.functionName === 'initBackend' || f.functionName === 'setupBackend'],
  ['data (synthetic pairs)', (f) => f.functionName === 'loadPreferenceData' || f.functionName === 'generatePaperSynthetic'],
  ['validation passes', (f) => f.functionName === 'runValidation'],
  ['best/step checkpoints', (f) => ['saveCheckpoint', 'saveBest', 'consider', 'restore'].includes(f.functionName)],
  ['training steps', (f) => ['trainStep', 'taskBatchTensors', 'disposePairTensors', 'epoch', 'buildTaskBatch'].includes(f.functionName)],
  ['eval: accuracy vs k (+ calibration)', (f) => f.functionName === 'scoreTasks' || f.functionName === 'pairwiseCalibration'],
  ['eval: z of test users', (f) => f.functionName === 'userLatents'],
  ['eval: reward curves', (f) => f.functionName === 'rewardCurves'],
  ['eval: load checkpoints', (f) => f.functionName === 'loadRewardModel'],
  ['report: SVG (vega)', (f) => /node_modules\/(\.pnpm\/)?vega/.test(f.url) || f.functionName === 'vegaLiteToSvg'],
  ['report: PNG (resvg)', (f) => f.functionName === 'svgToPng' || f.url.includes('resvg')],
  ['report: other', (f) => ['buildReport', 'writeReport', 'reportHtml', 'readReportRun'].includes(f.functionName)],
  // Training loop work outside the step (metrics.jsonl, events, progress) and scoring leftovers.
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['idle (waiting on I/O)', (f) => f.functionName === '(idle)'],
];

function analyse(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Phase of each node, computed once (the deepest-first walk stops at the first ancestor that decides).
  const phaseOf = new Map();
  const resolve = (id) => {
    if (phaseOf.has(id)) return phaseOf.get(id);
    const chain = [];
    let cur = id;
    while (cur !== undefined) {
      chain.push(byId.get(cur).callFrame);
      cur = parent.get(cur);
    }
    let phase = 'other';
    for (const [name, match] of PHASES) {
      if (chain.some(match)) {
        phase = name;
        break;
      }
    }
    phaseOf.set(id, phase);
    return phase;
  };
  const totals = new Map();
  const names = new Set();
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const phase = resolve(id);
    totals.set(phase, (totals.get(phase) ?? 0) + ms);
    names.add(byId.get(id).callFrame.functionName);
  });
  const fns = new Set(profile.nodes.map((n) => n.callFrame.functionName));
  let kind = 'other process';
  if (fns.has('buildReport')) kind = 'evaluation + report';
  else if (fns.has('trainRewardModel'))
    kind = fns.has('decoderHidden') ? 'train synthetic-np-btl' : fns.has('meanAndStd') ? 'train synthetic-dpl' : 'train synthetic-btl';
  return {
    kind,
    file,
    start_us: profile.startTime,
    wall_s: (profile.endTime - profile.startTime) / 1e6,
    phases: Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v) / 1000])),
  };
}

const dir = args.keep ?? mkdtempSync(join(tmpdir(), 'demo-profile-'));
const load = loadavg();
const t0 = performance.now();
// Node refuses --cpu-prof in NODE_OPTIONS; the demo passes its own node flags on to every process it starts.
const result = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=1000', join(root, 'scripts/demo.mjs'), ...demoArgs], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
const wall = (performance.now() - t0) / 1000;
const loadAfter = loadavg();
if (result.status !== 0) {
  process.stderr.write(`demo exited with ${result.status ?? result.signal}\n`);
  process.exit(1);
}
const processes = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => analyse(join(dir, f)))
  .filter((p) => p.kind !== 'other process' || p.wall_s > 0.5)
  .sort((a, b) => a.start_us - b.start_us);
const firstStart = Math.min(...processes.map((p) => p.start_us));
const out = [];
out.push(
  `demo wall ${wall.toFixed(1)} s (profiled: the sampler adds a few %); load average before ${load.map((x) => x.toFixed(2)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`,
);
for (const p of processes) {
  out.push(`\n${p.kind}: ${p.wall_s.toFixed(1)} s, starting ${((p.start_us - firstStart) / 1e6).toFixed(1)} s after the first`);
  for (const [phase, s] of Object.entries(p.phases))
    out.push(`  ${phase.padEnd(38)} ${s.toFixed(1).padStart(6)} s  ${((100 * s) / p.wall_s).toFixed(0).padStart(3)}%`);
}
console.log(out.join('\n'));
if (args.json) writeFileSync(args.json, `${JSON.stringify({ wall_s: wall, load_before: load, load_after: loadAfter, processes }, null, 2)}\n`);
if (!args.keep) rmSync(dir, { recursive: true, force: true });
