#!/usr/bin/env node
// The `real-data-pipeline` benchmark row (opt-in: `pnpm bench -- --workloads real-data-pipeline`):
// the whole real-data pipeline through the CLIs (built dist), embed -> train -> evaluate, on
// DialSummEval with the dialsummeval-np-btl preset, first from a cold embedding cache (a fresh
// folder: USE-lite embeds every text) and then from the warm one (the second run reads them back).
// Each phase is timed as the user sees it: the training command (embeddings included) and the
// evaluation command, wall clock; the embedding seconds are the ones the CLIs print. It reads the
// data from $STEERABLE_SHARED_DATA/dialsummeval (default /work/shared/data), which is not shipped;
// without it the row is skipped. One JSON row on stdout, as the other bench workers:
//   { workload: 'real-data-pipeline', backend: 'wasm', variant: 'steerable', median_ms: <warm>, cold_s, warm_s, ... }
//
//   node scripts/bench/real-data-pipeline.mjs [--epochs N] [--tasks-per-user N] [--keep DIR]
// --epochs and --tasks-per-user shorten training and evaluation (default: the preset's 20 epochs
// and 500 tasks per user); the embedding phase is the same either way.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { root } from './load.mjs';

const { values: args } = parseArgs({ options: { epochs: { type: 'string' }, 'tasks-per-user': { type: 'string' }, keep: { type: 'string' } } });
const note = (m) => process.stderr.write(`[real-data-pipeline] ${m}\n`);
const data = join(process.env.STEERABLE_SHARED_DATA ?? '/work/shared/data', 'dialsummeval', 'dialsummeval.jsonl.gz');
if (!existsSync(data)) {
  note(`${data} is missing (set STEERABLE_SHARED_DATA to the folder that holds dialsummeval/); skipped`);
  process.exit(0);
}
const work = args.keep ?? mkdtempSync(join(tmpdir(), 'steerable-real-data-pipeline-'));
const cacheDir = join(work, 'cache');
const round = (x) => Math.round(x * 10) / 10;

/** Runs one CLI command; returns its wall seconds and what it logged. */
function cli(app, argv) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [join(root, 'apps', app, 'dist', 'cli.js'), ...argv], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${app} ${argv.join(' ')} exited with ${result.status ?? result.signal}:\n${result.stderr}`);
  return { seconds, log: result.stderr };
}

/** The embedding line the CLIs print: status and seconds. */
function embedding(log) {
  const match = /embeddings \(use-lite\) of [\d,]+ pairs (computed|read from the cache|recomputed) in ([\d.]+) s/.exec(log);
  if (!match) throw new Error(`no embedding line in the log:\n${log.slice(-2000)}`);
  return { status: match[1] === 'read from the cache' ? 'cached' : match[1], seconds: Number(match[2]) };
}

function pipeline(label) {
  const load = loadavg()[0];
  const run = join(work, label);
  const training = cli('trainer', [
    'reward',
    '--preset',
    'dialsummeval-np-btl',
    '--data',
    data,
    '--out',
    run,
    '--overwrite',
    '--backend',
    'wasm',
    '--cache-dir',
    cacheDir,
    ...(args.epochs ? ['--epochs', args.epochs] : []),
  ]);
  const evaluation = cli('evaluation', [
    'reward',
    '--run',
    run,
    '--backend',
    'wasm',
    '--cache-dir',
    cacheDir,
    ...(args['tasks-per-user'] ? ['--tasks-per-user', args['tasks-per-user']] : []),
  ]);
  const embed = embedding(training.log);
  const evalEmbed = embedding(evaluation.log);
  const phases = {
    total_s: round(training.seconds + evaluation.seconds),
    train_command_s: round(training.seconds),
    embed_s: embed.seconds,
    embed_status: embed.status,
    eval_command_s: round(evaluation.seconds),
    eval_embed_s: evalEmbed.seconds,
    eval_embed_status: evalEmbed.status,
    load_before: round(load),
  };
  note(`${label}: ${JSON.stringify(phases)}`);
  return phases;
}

try {
  const cold = pipeline('cold');
  const warm = pipeline('warm');
  if (cold.embed_status !== 'computed' || warm.embed_status !== 'cached')
    throw new Error(`expected a cold then a warm cache, got ${cold.embed_status} then ${warm.embed_status}`);
  const row = {
    workload: 'real-data-pipeline',
    backend: 'wasm',
    variant: 'steerable',
    median_ms: Math.round(warm.total_s * 1000),
    min_ms: Math.round(warm.total_s * 1000),
    max_ms: Math.round(warm.total_s * 1000),
    n: 1,
    preset: 'dialsummeval-np-btl',
    epochs: args.epochs ? Number(args.epochs) : 'preset (20)',
    tasks_per_user: args['tasks-per-user'] ? Number(args['tasks-per-user']) : 'preset (500)',
    cold,
    warm,
    saved_s: round(cold.total_s - warm.total_s),
    warm_vs_cold: Math.round((1000 * warm.total_s) / cold.total_s) / 1000,
    cpus: cpus().length,
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
} finally {
  if (!args.keep) rmSync(work, { recursive: true, force: true });
}
