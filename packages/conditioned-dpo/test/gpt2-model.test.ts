import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import { Gpt2LMHeadModel, PolicyAdapters, loadGpt2Pretrained, mergeLoraIntoModel, saveGpt2Pretrained, hfKeyToOurs, parseGpt2Config } from '../src/index.js';

const fixture = fileURLToPath(new URL('./fixtures/tiny-gpt2', import.meta.url));

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('GPT-2 causal LM', () => {
  it('matches the independent PyTorch reference logits within 1e-4', async () => {
    const reference = JSON.parse(await readFile(join(fixture, 'reference-logits.json'), 'utf8')) as { ids: number[][]; logits: number[][][] };
    const model = await loadGpt2Pretrained(fixture);
    const ids = tf.tensor2d(reference.ids, undefined, 'int32');
    const { logits, hidden } = model.forward(ids);
    const ours = (await logits.array()) as number[][][];
    let worst = 0;
    reference.logits.forEach((seq, b) => seq.forEach((row, t) => row.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ours[b]![t]![i]!))))));
    expect(worst).toBeLessThan(1e-4);
    // The reference logits span several units, so a wrong op could not hide under the tolerance.
    expect(Math.max(...reference.logits.flat(2).map(Math.abs))).toBeGreaterThan(2);
    tf.dispose([ids, logits, hidden]);
    model.dispose();
  });

  it('is causal: changing a later token leaves earlier logits unchanged', async () => {
    const model = await loadGpt2Pretrained(fixture);
    const a = model.forward(tf.tensor2d([[1, 2, 3, 4]], undefined, 'int32'));
    const b = model.forward(tf.tensor2d([[1, 2, 3, 9]], undefined, 'int32'));
    const la = (await a.logits.array())[0]!;
    const lb = (await b.logits.array())[0]!;
    expect(la.slice(0, 3)).toEqual(lb.slice(0, 3));
    expect(la[3]).not.toEqual(lb[3]);
    model.dispose();
  });

  it('with adapters present but switched off, outputs equal the base model exactly', async () => {
    const model = await loadGpt2Pretrained(fixture);
    const adapters = new PolicyAdapters({ lora: { rank: 4, alpha: 8, dropout: 0.1 }, filmLatentDim: 3 }, 2, 32, new Rng(3));
    // Make the adapters non-trivial so that "off" really has to skip them.
    for (const [, v] of adapters.namedParameters()) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 7));
    const ids = tf.tensor2d([[3, 1, 4, 1, 5, 9]], undefined, 'int32');
    const base = await model.forward(ids).logits.data();
    const off = await model.forward(ids, { adapters: { adapters, lora: false, z: null } }).logits.data();
    expect(Array.from(off)).toEqual(Array.from(base));
    const on = await model.forward(ids, { adapters: { adapters, lora: true, z: tf.tensor2d([[1, -1, 0.5]]) } }).logits.data();
    expect(Math.max(...Array.from(on).map((v, i) => Math.abs(v - base[i]!)))).toBeGreaterThan(1e-3);
    model.dispose();
    adapters.dispose();
  });

  it('adapters at initialisation (B = 0, FiLM identity) do not change the logits', async () => {
    const model = await loadGpt2Pretrained(fixture);
    const adapters = new PolicyAdapters({ lora: { rank: 2, alpha: 4, dropout: 0 }, filmLatentDim: 3 }, 2, 32, new Rng(3));
    const ids = tf.tensor2d([[3, 1, 4, 1, 5, 9]], undefined, 'int32');
    const base = await model.forward(ids).logits.data();
    const on = await model.forward(ids, { adapters: { adapters, lora: true, z: tf.tensor2d([[1, -1, 0.5]]) } }).logits.data();
    expect(Math.max(...Array.from(on).map((v, i) => Math.abs(v - base[i]!)))).toBeLessThan(1e-6);
    model.dispose();
  });

  it('round-trips through Hugging Face format with identical logits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gpt2-roundtrip-'));
    try {
      const model = await loadGpt2Pretrained(fixture);
      // "Fine-tune": perturb one weight so the saved model differs from the fixture.
      const w = model.h.at(1).mlp.c_fc.weight;
      w.assign(tf.add(w, tf.randomNormal(w.shape, 0, 0.1, 'float32', 1)));
      await saveGpt2Pretrained(model, dir);
      const loaded = await loadGpt2Pretrained(dir);
      const ids = tf.tensor2d([[7, 8, 9, 10, 11]], undefined, 'int32');
      expect(Array.from(await loaded.forward(ids).logits.data())).toEqual(Array.from(await model.forward(ids).logits.data()));
      const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect(config.model_type).toBe('gpt2');
      expect(parseGpt2Config(config)).toEqual(model.config);
      model.dispose();
      loaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a LoRA-fine-tuned policy merged and saved in HF format loads back with its logits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gpt2-merged-'));
    try {
      const model = await loadGpt2Pretrained(fixture);
      const adapters = new PolicyAdapters({ lora: { rank: 2, alpha: 4, dropout: 0 }, filmLatentDim: null }, 2, 32, new Rng(9));
      for (const [, v] of adapters.namedParameters()) v.assign(tf.randomNormal(v.shape, 0, 0.3, 'float32', 5));
      const ids = tf.tensor2d([[7, 8, 9, 10, 11]], undefined, 'int32');
      const tuned = await model.forward(ids, { adapters: { adapters, lora: true, z: null } }).logits.data();
      const base = await model.forward(ids).logits.data();
      mergeLoraIntoModel(model, adapters);
      await saveGpt2Pretrained(model, dir);
      const loaded = await loadGpt2Pretrained(dir);
      const reloaded = await loaded.forward(ids).logits.data();
      expect(Math.max(...Array.from(reloaded).map((v, i) => Math.abs(v - tuned[i]!)))).toBeLessThan(1e-4);
      expect(Math.max(...Array.from(reloaded).map((v, i) => Math.abs(v - base[i]!)))).toBeGreaterThan(1e-2);
      model.dispose();
      loaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('maps Hugging Face key prefixes and skips buffers and the tied head', () => {
    expect(hfKeyToOurs('transformer.h.0.attn.c_attn.weight')).toBe('h.0.attn.c_attn.weight');
    expect(hfKeyToOurs('h.3.mlp.c_fc.bias')).toBe('h.3.mlp.c_fc.bias');
    expect(hfKeyToOurs('transformer.h.0.attn.bias')).toBeNull();
    expect(hfKeyToOurs('h.0.attn.masked_bias')).toBeNull();
    expect(hfKeyToOurs('lm_head.weight')).toBeNull();
  });

  it('rejects configs it cannot run, naming the field', () => {
    expect(() => parseGpt2Config({ n_embd: 30, n_head: 4 })).toThrow(/n_head/);
    expect(() => parseGpt2Config({ activation_function: 'relu' })).toThrow(/activation_function/);
  });

  it('builds any size without leaking tensors per forward pass', () => {
    const model = new Gpt2LMHeadModel({
      vocab_size: 50,
      n_positions: 16,
      n_embd: 16,
      n_layer: 1,
      n_head: 2,
      n_inner: null,
      layer_norm_epsilon: 1e-5,
      activation_function: 'gelu_new',
      bos_token_id: 0,
      eos_token_id: 0,
    });
    const ids = tf.tensor2d([[1, 2, 3]], undefined, 'int32');
    const run = (): void => tf.dispose(Object.values(model.forward(ids)).filter((t) => t instanceof tf.Tensor) as tf.Tensor[]);
    run();
    const before = tf.memory().numTensors;
    run();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
