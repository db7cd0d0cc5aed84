#!/usr/bin/env node
// `pnpm bench`: the benchmark harness. Runs every (backend, variant) in its own process (kernel
// registrations are process-global), the per-package bench scripts when they exist, and a
// PyTorch-CPU reference when /usr/bin/python3 has torch; prints one table with median (min-max, n)
// and the ratios measured in this run. `--json FILE` writes the rows:
//   [{ workload, backend, variant, median_ms, min_ms, max_ms, n, ...extra }]
//
//   pnpm bench -- [--backends wasm,cpu] [--workloads a,b] [--reps 5] [--wasm-threads 2]
//                 [--json FILE] [--profile] [--no-torch] [--no-packages] [--full]
//                 [--torch-device cpu|cuda|cpu,cuda] [--torch-threads N] [--python PATH]
//                 [--encoder-rounds 3] [--demo-reps 3] [--pipeline-epochs N]
//
// use-lite-encode (wasm) is USE-lite's throughput on 256 synthetic paragraphs, for stock and
// steerable kernels on 1 and 2 threads: `--encoder-rounds` rounds, each running the four
// (variant, threads) processes in turn (the order reversed every other round, so that a drift in
// the machine's load falls on all four), one pass over the 256 texts per process; rows
// `use-lite-encode-1t` / `-2t` give the median pass and texts/s, tokens/s from it.
//
// --full also runs the paper-size step and seq-logprob (fused and composite) on webgpu (meant for a
// real GPU; in software they take minutes). --torch-device cuda times the same PyTorch workloads on the GPU
// (rows `torch-cuda`); --torch-threads sets the torch-cpu threads (default: --wasm-threads, so the
// default rows compare like with like); --python picks the interpreter that has torch (default
// /usr/bin/python3, Debian's python3-torch; GPU machines keep theirs elsewhere). `--backends ''`
// runs only the references. `--workloads demo` (opt-in: minutes) times `pnpm demo` end to end and
// the same experiment trained by the original code's loop in PyTorch-CPU (scripts/bench/demo.mjs).
// `--workloads real-data-pipeline` (opt-in: minutes; reads DialSummEval from $STEERABLE_SHARED_DATA)
// times embed -> train -> evaluate through the CLIs from a cold and from a warm embedding cache
// (scripts/bench/real-data-pipeline.mjs; --pipeline-epochs shortens its training).
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { root } from './bench/load.mjs';

// `pnpm bench -- --json FILE` hands the script a literal `--` first; parseArgs would read
// everything after it as positionals.
const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
const { values: args } = parseArgs({
  args: argv,
  options: {
    backends: { type: 'string', default: 'wasm,cpu' },
    workloads: { type: 'string' },
    reps: { type: 'string', default: '5' },
    'wasm-threads': { type: 'string', default: '2' },
    json: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
    'no-packages': { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    'torch-device': { type: 'string', default: 'cpu' },
    'torch-threads': { type: 'string' },
    python: { type: 'string', default: '/usr/bin/python3' },
    'encoder-rounds': { type: 'string', default: '3' },
    'demo-reps': { type: 'string', default: '1' },
    'pipeline-epochs': { type: 'string' },
  },
});
const reps = args.reps;
const threads = Number(args['wasm-threads']);
const log = (m) => process.stderr.write(`${m}\n`);
const rows = [];
const profiles = [];

// What each (backend, variant) runs. The composite seq-logprob needs UnsortedSegmentSum, which
// stock wasm lacks, and the cpu backend is too slow for the paper-size step unless --full.
const PLAN = {
  wasm: {
    stock: ['matmul-1024', 'np-btl-step-synthetic', 'np-btl-step-paper'],
    steerable: [
      'matmul-1024',
      'np-btl-step-synthetic',
      'np-btl-step-paper',
      'seq-logprob-fwd-bwd',
      'seq-logprob-fwd-bwd-composite',
      'seq-logprob-fwd-bwd-gather',
    ],
  },
  cpu: {
    stock: ['matmul-1024', 'np-btl-step-synthetic', ...(args.full ? ['np-btl-step-paper'] : [])],
    steerable: [
      'matmul-1024',
      'np-btl-step-synthetic',
      ...(args.full ? ['np-btl-step-paper'] : []),
      'seq-logprob-fwd-bwd',
      'seq-logprob-fwd-bwd-composite',
      'seq-logprob-fwd-bwd-gather',
    ],
  },
  webgpu: {
    stock: ['matmul-1024', ...(args.full ? ['np-btl-step-synthetic', 'np-btl-step-paper'] : [])],
    steerable: ['matmul-1024', 'np-btl-step-synthetic', ...(args.full ? ['np-btl-step-paper', 'seq-logprob-fwd-bwd', 'seq-logprob-fwd-bwd-composite'] : [])],
  },
  webgl: { stock: ['matmul-1024'], steerable: ['matmul-1024', 'np-btl-step-synthetic'] },
  tensorflow: {
    stock: ['matmul-1024', 'np-btl-step-synthetic', 'np-btl-step-paper'],
    steerable: ['matmul-1024', 'np-btl-step-synthetic', 'np-btl-step-paper', 'seq-logprob-fwd-bwd', 'seq-logprob-fwd-bwd-composite'],
  },
};
const only = args.workloads ? new Set(args.workloads.split(',')) : null;

function parseRows(text, overrides = {}) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push({ ...JSON.parse(line), ...overrides });
    } catch {
      log(`  (ignored a line that is not JSON: ${line.slice(0, 80)})`);
    }
  }
  return out;
}

// With --json, the rows so far are rewritten after each process: a run cut short (a time limit on
// a GPU machine) still leaves the rows it finished.
function save() {
  if (args.json) writeFileSync(args.json, `${JSON.stringify(rows, null, 2)}\n`);
}

function run(label, command, argv, env = {}) {
  save();
  log(`- ${label}`);
  const result = spawnSync(command, argv, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) log(`  ${label} exited with ${result.status ?? result.signal}; keeping the rows it printed`);
  return result.stdout ?? '';
}

// 1. This harness's workloads, per backend and variant.
const backends = args.backends.split(',').filter(Boolean);
for (const backend of backends) {
  for (const variant of ['stock', 'steerable']) {
    const workloads = (PLAN[backend]?.[variant] ?? []).filter((w) => !only || only.has(w));
    if (workloads.length === 0) continue;
    // Stock tfjs runs wasm on one thread in Node; the steerable variant uses the threads shim.
    const t = backend === 'wasm' && variant === 'steerable' ? threads : 1;
    // One process per workload: a workload's heap (the one-hot composite nears wasm's 4 GB) and
    // thread pools must not leak into the next one's numbers.
    for (const workload of workloads) {
      const argv = ['scripts/bench/worker.mjs', '--backend', backend, '--variant', variant, '--workloads', workload, '--reps', reps, '--threads', String(t)];
      if (args.profile) argv.push('--profile');
      for (const row of parseRows(run(`${backend}/${variant} (${t} thread${t > 1 ? 's' : ''}): ${workload}`, process.execPath, argv))) {
        if (row.profile) profiles.push({ workload: row.workload, backend, variant, ...row.profile });
        delete row.profile;
        rows.push(row);
      }
    }
  }
}

// 1b. USE-lite encoder throughput, 1 and 2 threads x stock and steerable, alternating.
if (backends.includes('wasm') && (!only || only.has('use-lite-encode'))) {
  const configs = [
    ['stock', 1],
    ['steerable', 1],
    ['stock', 2],
    ['steerable', 2],
  ];
  const samples = new Map();
  const rounds = Number(args['encoder-rounds']);
  for (let round = 0; round < rounds; round++) {
    for (const [variant, t] of round % 2 === 0 ? configs : [...configs].reverse()) {
      const argv = ['scripts/bench/worker.mjs', '--backend', 'wasm', '--variant', variant, '--workloads', 'use-lite-encode', '--reps', '1'];
      argv.push('--threads', String(t));
      // The profile (one batch under tf.profile) is taken in the first round only.
      if (args.profile && round === 0) argv.push('--profile');
      const label = `wasm/${variant} (${t} thread${t > 1 ? 's' : ''}): use-lite-encode, round ${round + 1}/${rounds}`;
      for (const row of parseRows(run(label, process.execPath, argv))) {
        if (row.profile) profiles.push({ workload: row.workload, backend: 'wasm', variant, ...row.profile });
        delete row.profile;
        const key = `${row.workload}/${variant}`;
        samples.set(key, [...(samples.get(key) ?? []), row]);
      }
    }
  }
  for (const list of samples.values()) rows.push(encoderRow(list));
}

/** One row from an encoder configuration's rounds: the median pass, and texts/s and tokens/s from it. */
function encoderRow(list) {
  const passes = list.map((r) => r.median_ms).sort((a, b) => a - b);
  const mid = Math.floor(passes.length / 2);
  const median = passes.length % 2 ? passes[mid] : (passes[mid - 1] + passes[mid]) / 2;
  const { texts, tokens_read: tokensRead } = list[0];
  const per = (count) => Math.round((count * 1e6) / median) / 1000;
  return {
    ...list[0],
    median_ms: median,
    min_ms: passes[0],
    max_ms: passes.at(-1),
    n: passes.length,
    passes_ms: list.map((r) => r.median_ms),
    cpu_ms_per_rep: list.map((r) => r.cpu_ms_per_rep),
    texts_per_s: per(texts),
    tokens_per_s: per(tokensRead),
  };
}

// 2. Per-package bench scripts (owned by their packages), when present. btl-reward's train-step
// bench times the same model and trainStep as the np-btl-step rows above, so it is not repeated.
const PACKAGE_BENCHES = [
  { pkg: 'conditioned-dpo', file: 'packages/conditioned-dpo/bench/policy.mjs', args: (b) => ['--backend', b, '--reps', reps], variants: ['steerable'] },
];
if (!args['no-packages']) {
  for (const bench of PACKAGE_BENCHES) {
    if (!existsSync(`${root}${bench.file}`)) {
      log(`- ${bench.file} is absent; skipped`);
      continue;
    }
    for (const backend of backends.filter((b) => b === 'wasm')) {
      for (const variant of bench.variants) {
        const text = run(`${bench.file} --backend ${backend} (${variant})`, process.execPath, [bench.file, ...bench.args(backend, variant)]);
        // Prefixed with the package: its model is the package's own, not this harness's.
        for (const row of parseRows(text, { variant })) rows.push({ ...row, workload: `${bench.pkg}:${row.workload}`, backend });
      }
    }
  }
  const readValidate = 'packages/preference-data/bench/read-validate.mjs';
  if (existsSync(`${root}${readValidate}`)) {
    for (const row of parseRows(run(`${readValidate} (200k lines)`, process.execPath, [readValidate, '--lines', '200000']))) {
      rows.push({
        workload: row.workload ?? 'read-validate',
        backend: 'node',
        variant: 'steerable',
        median_ms: Math.round(row.seconds * 1000),
        min_ms: Math.round(row.seconds * 1000),
        max_ms: Math.round(row.seconds * 1000),
        n: 1,
        lines_per_s: row.lines_per_s,
      });
    }
  } else log(`- ${readValidate} is absent; skipped`);
  // Long-run leak check (the tests hold it too: leak-1000-steps.test.ts): tensors after 1,000 steps of each family vs after 10.
  if (!only || only.has('leak')) {
    for (const row of parseRows(
      run('scripts/bench/leak-check.mjs (1,000 steps per family)', process.execPath, ['scripts/bench/leak-check.mjs', '--backend', 'wasm']),
    )) {
      rows.push({ ...row, variant: 'steerable', median_ms: row.ms, min_ms: row.ms, max_ms: row.ms, n: 1 });
      if (row.leaked !== 0) log(`! ${row.workload}: ${row.leaked} tensors leaked over ${row.steps} steps`);
    }
  }
}

// 3. The PyTorch references, same shapes: torch-cpu with the same thread count as our wasm (unless
// --torch-threads), and torch-cuda when asked (--torch-device cuda; the GPU machines' python3).
const python = args.python;
const torchDevices = args['torch-device'].split(',').filter(Boolean);
const hasTorch =
  !args['no-torch'] && torchDevices.length > 0 && existsSync(python) && spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (hasTorch) {
  const workloads = ['matmul-1024', 'np-btl-step-synthetic', 'np-btl-step-paper', 'seq-logprob-fwd-bwd'].filter((w) => !only || only.has(w));
  const torchThreads = args['torch-threads'] ?? String(threads);
  for (const device of torchDevices) {
    const argv = ['scripts/bench/torch_reference.py', '--workloads', workloads.join(','), '--reps', reps, '--threads', torchThreads];
    // The workers read SEQ_LOGPROB_SHAPE; the reference takes the same shape.
    if (process.env.SEQ_LOGPROB_SHAPE) argv.push('--seq-shape', process.env.SEQ_LOGPROB_SHAPE);
    let label;
    if (device === 'cpu') {
      const blas = spawnSync(python, ['-c', "import torch; c = torch.__config__.show(); print('BLAS_INFO=' + c.split('BLAS_INFO=')[1].split(',')[0])"], {
        encoding: 'utf8',
      }).stdout.trim();
      label = `torch-cpu reference (${torchThreads} threads, ${blas}; libblas.so.3 is whatever Debian's alternatives point at)`;
    } else {
      argv.push('--device', device);
      label = `torch-${device} reference`;
    }
    const env = { OMP_NUM_THREADS: torchThreads, OPENBLAS_NUM_THREADS: torchThreads };
    for (const row of parseRows(run(label, python, argv, env))) rows.push(row);
  }
} else {
  log(
    `- PyTorch reference skipped: ${args['no-torch'] || torchDevices.length === 0 ? 'not asked for' : `${python} with torch not found (apt-get install -y python3-torch libopenblas0-pthread)`}`,
  );
}

// 4. The demo end to end, only when asked for by name (it takes minutes, its reference longer).
if (only?.has('demo')) {
  const argv = ['scripts/bench/demo.mjs', '--reps', args['demo-reps'], '--python', python, '--torch-threads', args['torch-threads'] ?? String(threads)];
  if (args['no-torch'] || !torchDevices.includes('cpu')) argv.push('--no-torch');
  for (const row of parseRows(run('pnpm demo end to end (scripts/bench/demo.mjs) and the same experiment in PyTorch-CPU', process.execPath, argv)))
    rows.push(row);
}

// 4b. The real-data pipeline from a cold and a warm embedding cache, only when asked for by name.
if (only?.has('real-data-pipeline')) {
  const argv = ['scripts/bench/real-data-pipeline.mjs', ...(args['pipeline-epochs'] ? ['--epochs', args['pipeline-epochs']] : [])];
  for (const row of parseRows(
    run('embed -> train -> evaluate on DialSummEval, cold then warm cache (scripts/bench/real-data-pipeline.mjs)', process.execPath, argv),
  ))
    rows.push(row);
}

// 5. The table and the ratios.
const fmt = (r) =>
  r && r.median_ms != null ? `${r.median_ms.toFixed(1)} (${r.min_ms.toFixed(0)}-${r.max_ms.toFixed(0)}, n=${r.n})` : r?.error ? 'failed' : '-';
const find = (workload, backend, variant) => rows.find((r) => r.workload === workload && r.backend === backend && r.variant === variant);
const columns = [...new Set(rows.map((r) => `${r.backend}/${r.variant}`))];
const workloadNames = [...new Set(rows.map((r) => r.workload))];
const table = [['workload', ...columns]];
for (const w of workloadNames) table.push([w, ...columns.map((c) => fmt(find(w, ...c.split('/'))))]);
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
console.log(`\nmedian ms (min-max, n); machine: ${cpus().length} vCPUs (${cpus()[0]?.model ?? '?'}), node ${process.versions.node}, wasm threads ${threads}\n`);
for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));

console.log('\nratios (same run):');
const ratio = (a, b) => (a?.median_ms && b?.median_ms ? a.median_ms / b.median_ms : null);
const say = (label, value, target) => console.log(`  ${label}: ${value == null ? 'n/a' : `${value.toFixed(2)}x`}${target ? ` (target >= ${target})` : ''}`);
for (const w of ['np-btl-step-synthetic', 'np-btl-step-paper'].filter((name) => !only || only.has(name))) {
  say(
    `${w}: speed vs torch-cpu (torch ms / wasm steerable ms)`,
    ratio(find(w, 'torch-cpu', 'reference'), find(w, 'wasm', 'steerable')),
    w.endsWith('paper') ? '0.5' : '1.0',
  );
  say(`${w}: wasm steerable vs stock wasm`, ratio(find(w, 'wasm', 'stock'), find(w, 'wasm', 'steerable')), w.endsWith('paper') ? '5' : null);
}
for (const backend of ['wasm', 'cpu', ...(rows.some((r) => r.backend === 'webgpu') ? ['webgpu'] : [])]) {
  if (only && !only.has('seq-logprob-fwd-bwd')) break;
  const fused = find('seq-logprob-fwd-bwd', backend, 'steerable');
  const composite = find('seq-logprob-fwd-bwd-composite', backend, 'steerable');
  const gather = find('seq-logprob-fwd-bwd-gather', backend, 'steerable');
  say(`seq-logprob fwd+bwd on ${backend}: fused vs its composite fallback (one-hot)`, ratio(composite, fused), '2');
  say(`seq-logprob fwd+bwd on ${backend}: fused vs logSoftmax + gather by hand`, ratio(gather, fused), '2');
  if (fused?.peak_mb != null)
    console.log(
      `    peak tensor memory: fused ${fused?.peak_mb ?? '?'} MB, one-hot composite ${composite?.peak_mb ?? '?'} MB, logSoftmax + gather ${gather?.peak_mb ?? '?'} MB`,
    );
}
for (const t of [1, 2]) {
  const stock = find(`use-lite-encode-${t}t`, 'wasm', 'stock');
  const ours = find(`use-lite-encode-${t}t`, 'wasm', 'steerable');
  if (!stock && !ours) continue;
  const fmtRate = (r) => (r ? `${r.texts_per_s.toFixed(1)} texts/s, ${r.tokens_per_s.toFixed(0)} tokens/s` : 'failed');
  console.log(`  use-lite-encode, ${t} thread${t > 1 ? 's' : ''}: stock ${fmtRate(stock)}; steerable ${fmtRate(ours)}`);
  say(`use-lite-encode, ${t} thread${t > 1 ? 's' : ''}: steerable vs stock (texts/s)`, ratio(stock, ours), t === 1 ? '2.5' : null);
}
const encoder1 = find('use-lite-encode-1t', 'wasm', 'steerable');
const encoder2 = find('use-lite-encode-2t', 'wasm', 'steerable');
say('use-lite-encode, steerable: 2 threads vs 1 (texts/s)', ratio(encoder1, encoder2), null);
const demo = find('demo', 'wasm', 'steerable');
if (demo) {
  const reference = find('demo', 'torch-cpu', 'reference');
  console.log(
    `  demo end to end: ${(demo.median_ms / 1000).toFixed(1)} s (median of ${demo.n}, load ${demo.load?.join(', ')})${reference ? `; the original's loop in PyTorch-CPU ${(reference.median_ms / 1000).toFixed(1)} s` : ''}`,
  );
  say('demo: speed vs torch-cpu (torch s / demo s)', ratio(reference, demo), null);
}
const pipelineRow = find('real-data-pipeline', 'wasm', 'steerable');
if (pipelineRow) {
  const { cold, warm } = pipelineRow;
  console.log(
    `  real-data pipeline (dialsummeval-np-btl, epochs ${pipelineRow.epochs}): cold cache ${cold.total_s} s (embedding ${cold.embed_s} s), warm ${warm.total_s} s (embedding ${warm.embed_s} s); saved ${pipelineRow.saved_s} s`,
  );
  say('real-data pipeline: warm vs cold cache (cold s / warm s)', cold.total_s / warm.total_s, null);
}
const mm = find('matmul-1024', 'wasm', 'steerable');
if (mm?.gflops) {
  const used = mm.threads ?? 1;
  const peak = used * 2.1 * 4 * 2 * 2;
  console.log(
    `  matmul-1024 on wasm: ${mm.gflops} GFLOP/s on ${used} thread(s); 128-bit SIMD peak = ${used} cores x 2.1 GHz x 4 lanes x 2 FMA units x 2 flops = ${peak.toFixed(1)} GFLOP/s -> ${((100 * mm.gflops) / peak).toFixed(0)}% (target >= 70%)`,
  );
}
for (const p of profiles) {
  console.log(`\nprofile: ${p.workload} on ${p.backend}/${p.variant} (one step under tf.profile; peak ${p.peak_mb} MB)`);
  const total = p.kernels.reduce((s, k) => s + k.ms, 0);
  for (const k of p.kernels.slice(0, 12))
    console.log(`  ${k.kernel.padEnd(32)} ${k.ms.toFixed(1).padStart(9)} ms  ${((100 * k.ms) / total).toFixed(1).padStart(5)}%  ${k.calls} calls`);
}

if (args.json) {
  save();
  if (profiles.length) writeFileSync(`${args.json.replace(/\.json$/, '')}.profile.json`, `${JSON.stringify(profiles, null, 2)}\n`);
  log(`rows written to ${args.json}`);
}
