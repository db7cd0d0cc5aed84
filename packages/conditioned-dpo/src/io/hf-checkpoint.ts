import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type NamedArray, Rng, SteerableError, entryToFloat32, float32Entry, readSafetensors, writeJsonAtomic, writeSafetensors } from '@steerable/core';
import { type Gpt2Config, parseGpt2Config, toHfConfigJson } from '../model/gpt2-config.js';
import { Gpt2LMHeadModel } from '../model/gpt2-model.js';

/** Keys Hugging Face files may carry that are not weights of ours (causal-mask buffers, the tied head). */
const IGNORED_KEY = /(^|\.)attn\.(bias|masked_bias)$|^lm_head\.weight$/;

/** Maps a Hugging Face key (`transformer.h.0.attn.c_attn.weight` or `h.0...`) to ours, or null to skip it. */
export function hfKeyToOurs(key: string): string | null {
  if (IGNORED_KEY.test(key)) return null;
  return key.startsWith('transformer.') ? key.slice('transformer.'.length) : key;
}

/**
 * Loads a GPT-2 checkpoint from a local directory in Hugging Face format: config.json and
 * model.safetensors (F32/F16). Strict: a missing or unexpected weight is an error naming it.
 */
export async function loadGpt2Pretrained(dir: string): Promise<Gpt2LMHeadModel> {
  const configFile = join(dir, 'config.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(configFile, 'utf8'));
  } catch (cause) {
    throw new SteerableError('missing-file', 'cannot read config.json', { file: configFile, cause, hint: 'point to a directory saved by saveGpt2Pretrained or Hugging Face save_pretrained' });
  }
  const config = parseGpt2Config(raw, configFile);
  const weightsFile = join(dir, 'model.safetensors');
  const { tensors } = await readSafetensors(weightsFile);
  const state = new Map<string, tf.Tensor>();
  for (const [key, entry] of tensors) {
    const ours = hfKeyToOurs(key);
    if (ours) state.set(ours, tf.tensor(entryToFloat32(entry, key), entry.shape, 'float32'));
  }
  const model = new Gpt2LMHeadModel(config, new Rng(0));
  try {
    model.loadStateDict(state, { source: weightsFile });
  } finally {
    for (const t of state.values()) t.dispose();
  }
  return model;
}

/** Writes config.json and model.safetensors as Hugging Face's save_pretrained does (no prefix, tied head omitted). */
export async function saveGpt2Pretrained(model: Gpt2LMHeadModel, dir: string, options: { tokenizerJson?: Record<string, unknown> } = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entries = new Map<string, NamedArray>();
  for (const [name, variable] of model.namedParameters()) {
    entries.set(name, float32Entry([...variable.shape], (await variable.data()) as Float32Array));
  }
  await writeSafetensors(join(dir, 'model.safetensors'), entries, { format: 'pt' });
  await writeJsonAtomic(join(dir, 'config.json'), toHfConfigJson(model.config));
  if (options.tokenizerJson) await writeJsonAtomic(join(dir, 'tokenizer.json'), options.tokenizerJson);
}

export interface RandomCheckpointOptions {
  tokenizerJson?: Record<string, unknown>;
  /**
   * Redraw every matrix (embeddings included) as N(0, std). GPT-2's 0.02 gives logits near 0;
   * a parity test wants larger activations so a wrong op shows.
   */
  weightStd?: number;
}

/** A randomly initialised GPT-2 in Hugging Face format, for tests and benchmarks (no download). */
export async function createRandomGpt2Checkpoint(dir: string, config: Gpt2Config, seed: number, options: RandomCheckpointOptions = {}): Promise<void> {
  const model = new Gpt2LMHeadModel(config, new Rng(seed));
  // Random LayerNorm affine parameters and biases too (GPT-2 starts them at 1 and 0), so a parity test exercises them.
  const rng = new Rng(seed + 1);
  for (const [name, v] of model.namedParameters()) {
    if (/ln_(1|2|f)\.(weight|bias)$/.test(name) || /\.(c_attn|c_proj|c_fc)\.bias$/.test(name)) {
      const values = rng.fillUniform(new Float32Array(v.size), -0.5, 0.5);
      if (name.endsWith('weight')) for (let i = 0; i < values.length; i++) values[i] = 1 + values[i]!;
      v.assign(tf.tensor(values, v.shape));
    } else if (options.weightStd !== undefined && name.endsWith('weight')) {
      v.assign(tf.tensor(rng.fillNormal(new Float32Array(v.size), 0, options.weightStd), v.shape));
    }
  }
  await saveGpt2Pretrained(model, dir, options.tokenizerJson ? { tokenizerJson: options.tokenizerJson } : {});
  model.dispose();
}

