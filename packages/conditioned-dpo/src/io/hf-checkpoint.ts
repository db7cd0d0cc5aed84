import * as tf from '@tensorflow/tfjs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type NamedArray,
  Rng,
  type SafetensorsHeader,
  SteerableError,
  assertFiniteValues,
  entryToFloat32,
  float32Entry,
  readSafetensors,
  readSafetensorsHeader,
  writeJsonAtomic,
  writeSafetensors,
} from '@steerable/core';
import { type Gpt2Config, toHfConfigJson } from '../model/gpt2-config.js';
import { gpt2WeightShapes, readGpt2ConfigFile } from './hf-gpt2-config-file.js';
import { Gpt2LMHeadModel } from '../model/gpt2-model.js';

/** Keys Hugging Face files may carry that are not weights of ours (causal-mask buffers, the tied head). */
const IGNORED_KEY = /(^|\.)attn\.(bias|masked_bias)$|^lm_head\.weight$/;

/** Maps a Hugging Face key (`transformer.h.0.attn.c_attn.weight` or `h.0...`) to ours, or null to skip it. */
export function hfKeyToOurs(key: string): string | null {
  if (IGNORED_KEY.test(key)) return null;
  return key.startsWith('transformer.') ? key.slice('transformer.'.length) : key;
}

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);
const REEXPORT_HINT = 'the weights do not belong to this config.json; re-export the model (save_pretrained) or fix config.json';

/**
 * Checks the weights file's header against the config before any model or tensor is allocated:
 * every expected weight present with its shape and a float dtype, nothing unexpected.
 */
function checkWeightsHeader(header: SafetensorsHeader, config: Gpt2Config, weightsFile: string): void {
  const expected = gpt2WeightShapes(config);
  const seen = new Set<string>();
  for (const [key, entry] of header.entries) {
    const ours = hfKeyToOurs(key);
    if (ours === null) continue;
    const shape = expected.get(ours);
    if (!shape)
      throw new SteerableError('state-dict-mismatch', `unexpected weight '${key}' (not part of a GPT-2 with this config)`, {
        file: weightsFile,
        field: key,
        hint: REEXPORT_HINT,
      });
    if (seen.has(ours))
      throw new SteerableError('state-dict-mismatch', `weight '${key}' appears twice (with and without the 'transformer.' prefix)`, {
        file: weightsFile,
        field: key,
        hint: REEXPORT_HINT,
      });
    seen.add(ours);
    if (!FLOAT_DTYPES.has(entry.dtype))
      throw new SteerableError('unsupported-dtype', `weight '${key}' has dtype ${entry.dtype}, expected F32, F16, BF16 or F64`, {
        file: weightsFile,
        field: `${key}.dtype`,
        hint: 'save the model in a float dtype',
      });
    if (entry.shape.join() !== shape.join()) {
      throw new SteerableError('state-dict-mismatch', `weight '${key}' has shape [${entry.shape.join(', ')}], config.json implies [${shape.join(', ')}]`, {
        file: weightsFile,
        field: `${key}.shape`,
        hint: REEXPORT_HINT,
      });
    }
  }
  const missing = [...expected.keys()].find((name) => !seen.has(name));
  if (missing !== undefined)
    throw new SteerableError('state-dict-mismatch', `weight '${missing}' is missing (${expected.size - seen.size} of ${expected.size} missing)`, {
      file: weightsFile,
      field: missing,
      hint: REEXPORT_HINT,
    });
}

/**
 * Loads a GPT-2 checkpoint from a local directory in Hugging Face format: config.json and
 * model.safetensors (F32/F16/BF16). Both are untrusted: config.json is size-limited and
 * validated (strict keys, bounded sizes), the weights' header is checked against it before any
 * allocation, and non-finite weights are refused naming the tensor. Nothing is executed.
 */
export async function loadGpt2Pretrained(dir: string): Promise<Gpt2LMHeadModel> {
  const config = await readGpt2ConfigFile(join(dir, 'config.json'));
  const weightsFile = join(dir, 'model.safetensors');
  checkWeightsHeader(await readSafetensorsHeader(weightsFile), config, weightsFile);
  const { tensors } = await readSafetensors(weightsFile);
  const state = new Map<string, tf.Tensor>();
  try {
    for (const [key, entry] of tensors) {
      const ours = hfKeyToOurs(key);
      if (!ours) continue;
      const values = entryToFloat32(entry, key, weightsFile);
      assertFiniteValues(values, { file: weightsFile, tensor: key, hint: 'the model file is corrupt or its training diverged; use another copy of the model' });
      state.set(ours, tf.tensor(values, entry.shape, 'float32'));
    }
    const model = new Gpt2LMHeadModel(config, new Rng(0));
    try {
      model.loadStateDict(state, { source: weightsFile });
    } catch (error) {
      model.dispose();
      throw error;
    }
    return model;
  } finally {
    for (const t of state.values()) t.dispose();
  }
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

function assignValues(variable: tf.Variable, values: Float32Array): void {
  const tensor = tf.tensor(values, variable.shape);
  variable.assign(tensor);
  tensor.dispose();
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
      assignValues(v, values);
    } else if (options.weightStd !== undefined && name.endsWith('weight')) {
      assignValues(v, rng.fillNormal(new Float32Array(v.size), 0, options.weightStd));
    }
  }
  await saveGpt2Pretrained(model, dir, options.tokenizerJson ? { tokenizerJson: options.tokenizerJson } : {});
  model.dispose();
}
