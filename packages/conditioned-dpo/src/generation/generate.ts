import * as tf from '@tensorflow/tfjs';
import { Rng, SteerableError } from '@steerable/core';
import type { Gpt2LMHeadModel } from '../model/gpt2-model.js';
import type { PolicyAdapters } from '../model/adapters.js';
import { disposeKvCache, type KvCache } from '../model/kv-cache.js';
import { type SamplingOptions, sampleToken } from './sampling.js';

export interface GenerateOptions extends Partial<SamplingOptions> {
  maxNewTokens: number;
  /** Generation of a row ends after it emits one of these (the stop token is kept in the output). */
  stopTokens?: readonly number[];
  seed?: number;
  rng?: Rng;
  /** Reuse keys/values of earlier positions (default true); false recomputes the whole prefix each step. */
  useKvCache?: boolean;
  /** Adapters to apply; `z` is [1, H] (shared) or [N, H] (one per prompt), injected at every step. */
  adapters?: { adapters: PolicyAdapters; lora: boolean; z: tf.Tensor2D | null } | null;
}

export interface GenerateResult {
  /** New tokens per prompt (excluding the prompt), ending at the stop token when one was emitted. */
  tokens: number[][];
  finished: boolean[];
}

/**
 * Autoregressive sampling (temperature, top-k, top-p), seeded by our Rng so runs repeat on every
 * backend. Prompts of equal length are decoded together; each group keeps a KV cache.
 */
export async function generate(model: Gpt2LMHeadModel, prompts: readonly (readonly number[])[], options: GenerateOptions): Promise<GenerateResult> {
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const sampling: SamplingOptions = { temperature: options.temperature ?? 0.7, topK: options.topK ?? 0, topP: options.topP ?? 0.95 };
  const stop = new Set(options.stopTokens ?? [model.config.eos_token_id]);
  const z = options.adapters?.z ?? null;
  if (z && z.shape[0] !== 1 && z.shape[0] !== prompts.length) {
    throw new SteerableError('invalid-argument', `z has ${z.shape[0]} rows for ${prompts.length} prompts`, {
      field: 'adapters.z',
      hint: 'pass one row shared by all prompts or one per prompt',
    });
  }
  const tokens: number[][] = prompts.map(() => []);
  const finished = prompts.map(() => false);
  const groups = new Map<number, number[]>();
  prompts.forEach((p, i) => {
    if (p.length === 0) throw new SteerableError('invalid-argument', `prompt ${i} is empty`, { field: 'prompts', hint: 'start every prompt with a BOS token' });
    groups.set(p.length, [...(groups.get(p.length) ?? []), i]);
  });
  for (const rows of groups.values()) {
    const groupZ = z ? (tf.tidy(() => (z.shape[0] === 1 ? tf.tile(z, [rows.length, 1]) : tf.gather(z, rows))) as tf.Tensor2D) : null;
    const adapters = options.adapters ? { adapters: options.adapters.adapters, lora: options.adapters.lora, z: groupZ } : null;
    let cache: KvCache | null = null;
    let sequences = rows.map((i) => [...prompts[i]!]);
    let step = 0;
    try {
      while (step < options.maxNewTokens && rows.some((i) => !finished[i])) {
        const useCache = options.useKvCache !== false;
        const input = useCache && cache ? sequences.map((s) => [s[s.length - 1]!]) : sequences;
        const ids = tf.tensor2d(input, undefined, 'int32');
        const out = model.forward(ids, { adapters, cache: useCache ? cache : null, useCache });
        const last = tf.tidy(() => tf.squeeze(tf.slice(out.logits, [0, out.logits.shape[1] - 1, 0], [-1, 1, -1]), [1]));
        const values = (await last.data()) as Float32Array;
        tf.dispose([ids, out.logits, out.hidden, last]);
        if (useCache) {
          disposeKvCache(cache);
          cache = out.cache;
        }
        const vocab = model.config.vocab_size;
        sequences = sequences.map((s, r) => {
          const i = rows[r]!;
          if (finished[i]) return [...s, model.config.eos_token_id];
          const token = sampleToken(values.subarray(r * vocab, (r + 1) * vocab), sampling, rng);
          tokens[i]!.push(token);
          if (stop.has(token)) finished[i] = true;
          return [...s, token];
        });
        step++;
      }
    } finally {
      disposeKvCache(cache);
      groupZ?.dispose();
    }
  }
  return { tokens, finished };
}
