// Policy benchmarks against dist (build first: pnpm --filter @steerable/conditioned-dpo... build).
//   node packages/conditioned-dpo/bench/policy.mjs [--backend wasm|cpu|webgpu|...] [--reps N] [--gpt2-reps N] [--skip-gpt2]
// GPT-2-small shapes take seconds per step on a CPU: they run --gpt2-reps (default 1) timed reps with
// no warm-up rep, so the numbers include first-call costs (an upper bound on time, lower on tokens/s).
// Prints one JSON line per (workload, variant):
//   { workload: 'np-dpo-step' | 'generation', backend, variant, median_ms, min_ms, max_ms, n, tokens_per_s }
// np-dpo-step: one NP-DPO optimizer step (encoder + LoRA/FiLM forward and backward over chosen and
// rejected sequences, Adam); tokens_per_s counts every token of those sequences.
// generation: KV-cached sampling of new tokens; tokens_per_s counts new tokens.
import * as tf from '@tensorflow/tfjs';
import { Adam, Rng, valueAndGradients, disposeGradients } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import { ContextEncoder } from '@steerable/np-encoder';
import { GPT2_SMALL, Gpt2LMHeadModel, Policy, PolicyAdapters, buildSequenceBatch, generate, npDpoLoss } from '../dist/index.js';

// The steerable-text presets' GPT-2 (vocabulary of the benchmark language, 16 positions).
const BENCHMARK_MODEL = {
  vocab_size: 40,
  n_positions: 16,
  n_embd: 64,
  n_layer: 2,
  n_head: 4,
  n_inner: null,
  layer_norm_epsilon: 1e-5,
  activation_function: 'gelu_new',
  bos_token_id: 2,
  eos_token_id: 1,
};

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const backend = flag('--backend', process.env.STEERABLE_BACKEND ?? 'auto');
const reps = Number(flag('--reps', '5'));
const gpt2Reps = Number(flag('--gpt2-reps', '1'));
const info = await initBackend({ backend });

function stats(times) {
  const s = [...times].sort((a, b) => a - b);
  return { median_ms: s[Math.floor(s.length / 2)], min_ms: s[0], max_ms: s[s.length - 1], n: s.length };
}

async function benchNpDpoStep(variant, config, { tasks, pairsPerTask, k, length, n, warmup = 1 }) {
  const rng = new Rng(0);
  const model = new Gpt2LMHeadModel(config, rng);
  model.setTrainable(false);
  const hidden = 32;
  const adapters = new PolicyAdapters({ lora: { rank: 8, alpha: 16, dropout: 0.1 }, filmLatentDim: hidden }, config.n_layer, config.n_embd, rng);
  const encoder = new ContextEncoder({ inputDim: config.n_embd, hiddenDim: hidden, pairEncoder: 'mlp', numHeads: 4, attentionDropout: 0.1 }, rng);
  const policy = new Policy(model, adapters, encoder);
  const params = policy.trainableParameters();
  const adam = new Adam(params, { lr: 1e-3, eps: 1e-8 });
  const rows = tasks * pairsPerTask;
  const seq = () => ({
    prompt: Array.from({ length: 4 }, () => rng.int(0, config.vocab_size - 1)),
    response: Array.from({ length: length - 4 }, () => rng.int(0, config.vocab_size - 1)),
  });
  const examples = [...Array.from({ length: rows }, seq), ...Array.from({ length: rows }, seq)];
  const times = [];
  for (let i = 0; i < n + warmup; i++) {
    const targets = buildSequenceBatch(examples, 0);
    const batch = {
      context: { chosen: tf.randomNormal([tasks, k, config.n_embd]), rejected: tf.randomNormal([tasks, k, config.n_embd]) },
      targets,
      pairsPerTask,
      referenceChosen: tf.fill([rows], -20),
      referenceRejected: tf.fill([rows], -20),
    };
    const t0 = performance.now();
    const { value, grads } = valueAndGradients(
      () => npDpoLoss(policy, batch, { beta: 0.05, lossType: 'sigmoid', labelSmoothing: 0 }, { training: true, rng }).loss,
      params,
    );
    adam.apply(grads);
    await value.data();
    const ms = performance.now() - t0;
    if (i >= warmup) times.push(ms);
    disposeGradients(grads);
    tf.dispose([value, batch.context.chosen, batch.context.rejected, targets.ids, targets.labelMask, batch.referenceChosen, batch.referenceRejected]);
  }
  const s = stats(times);
  console.log(JSON.stringify({ workload: 'np-dpo-step', backend: info.backend, variant, ...s, tokens_per_s: (2 * rows * length) / (s.median_ms / 1000) }));
  adam.dispose();
  policy.dispose();
  model.dispose();
}

async function benchGeneration(variant, config, { batch, promptLength, newTokens, n, warmup = 1 }) {
  const rng = new Rng(1);
  const model = new Gpt2LMHeadModel(config, rng);
  const adapters = new PolicyAdapters({ lora: { rank: 8, alpha: 16, dropout: 0 }, filmLatentDim: 32 }, config.n_layer, config.n_embd, rng);
  const z = tf.randomNormal([1, 32]);
  const prompts = Array.from({ length: batch }, () => Array.from({ length: promptLength }, () => rng.int(0, config.vocab_size - 1)));
  const times = [];
  for (let i = 0; i < n + warmup; i++) {
    const t0 = performance.now();
    // No stop tokens reachable: every row produces newTokens tokens.
    await generate(model, prompts, { maxNewTokens: newTokens, temperature: 0.7, topP: 0.95, stopTokens: [-1], seed: i, adapters: { adapters, lora: true, z } });
    if (i >= warmup) times.push(performance.now() - t0);
  }
  const s = stats(times);
  console.log(JSON.stringify({ workload: 'generation', backend: info.backend, variant, ...s, tokens_per_s: (batch * newTokens) / (s.median_ms / 1000) }));
  z.dispose();
  adapters.dispose();
  model.dispose();
}

await benchNpDpoStep('benchmark-model (0.1M, 8 tasks x 9 pairs, 16 tokens)', BENCHMARK_MODEL, { tasks: 8, pairsPerTask: 9, k: 6, length: 16, n: reps });
await benchGeneration('benchmark-model (batch 32, 10 new tokens)', BENCHMARK_MODEL, { batch: 32, promptLength: 6, newTokens: 10, n: reps });
if (!args.includes('--skip-gpt2')) {
  await benchNpDpoStep('gpt2-small shapes (124M, 1 task x 2 pairs, 32 tokens)', GPT2_SMALL, {
    tasks: 1,
    pairsPerTask: 2,
    k: 3,
    length: 32,
    n: gpt2Reps,
    warmup: 0,
  });
  await benchGeneration('gpt2-small shapes (batch 1, 8 new tokens)', GPT2_SMALL, { batch: 1, promptLength: 16, newTokens: 8, n: gpt2Reps, warmup: 0 });
}
