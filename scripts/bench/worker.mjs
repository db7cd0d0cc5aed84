// One benchmark process: one backend, one variant. Prints one JSON row per workload on stdout
// ({ workload, backend, variant, median_ms, min_ms, max_ms, n, ...extra }); notes go to stderr.
// Run by scripts/bench.mjs; usable alone:
//   node scripts/bench/worker.mjs --backend wasm --variant steerable --workloads matmul-1024 --reps 5
import { parseArgs } from 'node:util';
import { loadStack } from './load.mjs';
import { PAPER, SYNTHETIC, buildNpBtl } from './np-btl-model.mjs';
import { USE_LITE_MAX_TOKENS, embedTokenLists, loadUseLite } from './use-lite-model.mjs';
import { syntheticTexts } from './synthetic-texts.mjs';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    variant: { type: 'string', default: 'steerable' },
    workloads: { type: 'string', default: 'matmul-1024,np-btl-step-synthetic,np-btl-step-paper' },
    reps: { type: 'string', default: '5' },
    threads: { type: 'string', default: '1' },
    profile: { type: 'boolean', default: false },
  },
});
const reps = Number(args.reps);
const stack = await loadStack();
const { tf, kernels } = stack;
const info = await kernels.initBackend({ backend: args.backend, steerableKernels: args.variant !== 'stock', wasmThreads: Number(args.threads) });
const note = (m) => process.stderr.write(`[${args.backend}/${args.variant}] ${m}\n`);
note(`backend ${info.backend}, threads ${info.threads}, steerable kernels ${info.steerable_kernels}`);

async function time(fn, n, warmup = 1) {
  for (let i = 0; i < warmup; i++) await fn();
  const samples = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  samples.sort((a, b) => a - b);
  const mid = Math.floor(samples.length / 2);
  const median = samples.length % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
  // Process CPU time per rep (all threads): the machine is shared, so wall time alone can mislead.
  return { median_ms: round(median), min_ms: round(samples[0]), max_ms: round(samples.at(-1)), n, cpu_ms_per_rep: round((cpu.user + cpu.system) / 1000 / n) };
}
const round = (x) => Math.round(x * 1000) / 1000;
const emit = (workload, stats, extra = {}) =>
  process.stdout.write(
    `${JSON.stringify({
      workload,
      backend: args.backend,
      variant: args.variant,
      ...stats,
      threads: info.threads,
      relaxed_simd: info.wasm_relaxed_simd,
      ...extra,
    })}\n`,
  );

/** Per-kernel time of one call of fn, summed by kernel name, largest first. */
async function kernelProfile(fn) {
  const result = await tf.profile(async () => {
    await fn();
  });
  const byKernel = new Map();
  for (const k of result.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const entry = byKernel.get(k.name) ?? { kernel: k.name, ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls += 1;
    byKernel.set(k.name, entry);
  }
  const list = [...byKernel.values()].sort((a, b) => b.ms - a.ms).map((e) => ({ ...e, ms: round(e.ms) }));
  return { peak_mb: round(result.peakBytes / 2 ** 20), kernels: list };
}

const workloads = {
  async 'matmul-1024'() {
    const a = tf.randomNormal([1024, 1024]);
    const b = tf.randomNormal([1024, 1024]);
    const stats = await time(
      async () => {
        const c = tf.matMul(a, b);
        await c.data();
        c.dispose();
      },
      Math.max(reps, 5),
      2,
    );
    tf.dispose([a, b]);
    emit('matmul-1024', stats, { gflops: round((2 * 1024 ** 3) / (stats.median_ms * 1e6)) });
  },

  async 'np-btl-step-paper'() {
    await npBtl(PAPER);
  },
  async 'np-btl-step-synthetic'() {
    await npBtl(SYNTHETIC);
  },

  async 'seq-logprob-fwd-bwd'() {
    await seqLogProb('fused');
  },

  // USE-lite encoder throughput: 256 synthetic paragraphs of about 170 tokens (the graph reads
  // the first 128), 32 texts per executeAsync, sorted by length; each rep embeds all 256.
  async 'use-lite-encode'() {
    await useLiteEncode();
  },
  async 'seq-logprob-fwd-bwd-composite'() {
    await seqLogProb('composite');
  },
  // What a user writes by hand: logSoftmax, gather the labels, masked sum. Its gradient needs
  // UnsortedSegmentSum, which only the steerable variant has on wasm.
  async 'seq-logprob-fwd-bwd-gather'() {
    await seqLogProb('gather');
  },
};

function logSoftmaxGather(logits, labels, mask) {
  const [b, l, v] = logits.shape;
  const logProbs = tf.logSoftmax(logits).reshape([b * l, v]);
  const rows = tf
    .range(0, b * l, 1, 'int32')
    .mul(tf.scalar(v, 'int32'))
    .add(labels.reshape([b * l]));
  const picked = tf.gather(logProbs.reshape([b * l * v]), rows).reshape([b, l]);
  return tf.sum(tf.mul(picked, mask), 1);
}

async function npBtl(shape) {
  // Stock runs the same model: without this package's kernels its ops take their composites.
  const model = await buildNpBtl(stack, shape);
  await model.step();
  const stats = await time(() => model.step(), reps, 1);
  const extra = { parameters: model.parameterCount, model: 'btl-reward' };
  if (args.profile) extra.profile = await kernelProfile(() => model.step());
  model.dispose();
  emit(shape.name, stats, extra);
}

async function seqLogProb(form) {
  const [B, L, V] = (process.env.SEQ_LOGPROB_SHAPE ?? '8,256,50257').split(',').map(Number);
  const logits = tf.randomNormal([B, L, V]);
  const labels = tf.randomUniform([B, L], 0, V, 'int32');
  // The first quarter of each sequence is prompt (mask 0), as in DPO.
  const mask = tf.tidy(() => tf.cast(tf.greaterEqual(tf.range(0, L).reshape([1, L]).tile([B, 1]), Math.floor(L / 4)), 'float32'));
  const op = { fused: kernels.sequenceLogProbs, composite: kernels.sequenceLogProbsComposite, gather: logSoftmaxGather }[form];
  const run = async () => {
    const grad = tf.grad((x) => tf.sum(op(x, labels, mask)))(logits);
    await grad.data();
    grad.dispose();
  };
  const workload = { fused: 'seq-logprob-fwd-bwd', composite: 'seq-logprob-fwd-bwd-composite', gather: 'seq-logprob-fwd-bwd-gather' }[form];
  try {
    const stats = await time(run, Math.min(reps, 3), 1);
    const { peak_mb } = await kernelProfile(run);
    emit(workload, stats, { shape: [B, L, V], peak_mb });
    tf.dispose([logits, labels, mask]);
  } catch (error) {
    note(`${workload} failed: ${String(error.message ?? error).split('\n')[0]}`);
    emit(workload, { median_ms: null, min_ms: null, max_ms: null, n: 0 }, { shape: [B, L, V], error: String(error.message ?? error).split('\n')[0] });
    // No dispose after a failure: a trap inside the wasm backend (out of its 4 GB heap, which the
    // one-hot composite's peak nears) can leave its allocator locked, and the next free then spins
    // forever. Process exit frees everything.
  }
}

async function useLiteEncode() {
  const texts = Number(process.env.USE_LITE_TEXTS ?? 256);
  const { model, tokenize } = await loadUseLite(tf);
  const corpus = syntheticTexts(texts, tokenize);
  const t0 = performance.now();
  const tokenLists = corpus.map(tokenize);
  const tokenizeMs = performance.now() - t0;
  const tokensRead = tokenLists.reduce((sum, tokens) => sum + Math.min(tokens.length, USE_LITE_MAX_TOKENS), 0);
  const tokensInput = tokenLists.reduce((sum, tokens) => sum + tokens.length, 0);
  // Warm-up: one batch (kernels set up, wasm tiered up, heap grown).
  await embedTokenLists(tf, model, tokenLists.slice(0, 32));
  const stats = await time(() => embedTokenLists(tf, model, tokenLists), reps, 0);
  const extra = {
    texts,
    batch_size: 32,
    tokens_input: tokensInput,
    tokens_read: tokensRead,
    texts_per_s: round((texts * 1000) / stats.median_ms),
    tokens_per_s: round((tokensRead * 1000) / stats.median_ms),
    tokenize_ms: round(tokenizeMs),
  };
  if (args.profile) extra.profile = await kernelProfile(() => embedTokenLists(tf, model, tokenLists.slice(0, 32)));
  model.dispose();
  emit(`use-lite-encode-${info.threads}t`, stats, extra);
}

for (const name of args.workloads.split(',').filter(Boolean)) {
  const fn = workloads[name];
  if (!fn) {
    note(`unknown workload '${name}' (known: ${Object.keys(workloads).join(', ')})`);
    continue;
  }
  await fn();
}

// Exit at once: nothing else is waited for (the threads shim's pthread Workers are unref'd).
process.exit(0);
