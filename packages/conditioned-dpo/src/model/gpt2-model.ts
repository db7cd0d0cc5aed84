import * as tf from '@tensorflow/tfjs';
import { Embedding, LayerNorm, Linear, Module, ModuleList, Rng, SteerableError, dropout, geluTanh, normalTensor } from '@steerable/core';
import type { AdapterSwitch, LoraAttention, Film } from './adapters.js';
import { type Gpt2Config, innerSize } from './gpt2-config.js';
import type { KvCache, LayerKv } from './kv-cache.js';

/** GPT-2's Conv1D is a linear map stored [in, out], which is exactly core's Linear layout. */
class Gpt2Attention extends Module {
  readonly c_attn: Linear;
  readonly c_proj: Linear;
  readonly headDim: number;

  constructor(
    readonly width: number,
    readonly numHeads: number,
    rng: Rng,
  ) {
    super();
    this.c_attn = this.registerModule('c_attn', new Linear(width, 3 * width, rng));
    this.c_proj = this.registerModule('c_proj', new Linear(width, width, rng));
    this.headDim = width / numHeads;
  }

  forward(x: tf.Tensor3D, past: LayerKv | null, lora: LoraAttention | null, loraInput: tf.Tensor2D | null): { out: tf.Tensor3D; kv: LayerKv } {
    const [batch, length] = x.shape;
    const flat = x.reshape([batch * length, this.width]) as tf.Tensor2D;
    const qkv = this.c_attn.forward(flat) as tf.Tensor2D;
    let [q, k, v] = tf.split(qkv, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    if (lora && loraInput) {
      q = tf.add(q, lora.q.forward(loraInput));
      v = tf.add(v, lora.v.forward(loraInput));
    }
    const heads = (t: tf.Tensor2D): tf.Tensor4D => t.reshape([batch, length, this.numHeads, this.headDim]).transpose([0, 2, 1, 3]);
    let key = heads(k);
    let value = heads(v);
    if (past) {
      key = tf.concat([past.key, key], 2);
      value = tf.concat([past.value, value], 2);
    }
    const pastLength = past ? past.key.shape[2] : 0;
    const scores = tf.add(tf.div(tf.matMul(heads(q), key, false, true), Math.sqrt(this.headDim)), causalMask(length, pastLength + length, pastLength));
    const context = tf
      .matMul(tf.softmax(scores, -1), value)
      .transpose([0, 2, 1, 3])
      .reshape([batch * length, this.width]) as tf.Tensor2D;
    const out = this.c_proj.forward(context).reshape([batch, length, this.width]) as tf.Tensor3D;
    return { out, kv: { key, value } };
  }
}

/**
 * Additive mask [T, S]: query i (absolute position past + i) sees keys j <= past + i. -1e9 makes
 * the masked probabilities exactly 0 after softmax, as Hugging Face's finfo.min does.
 */
function causalMask(queries: number, keys: number, past: number): tf.Tensor2D {
  const values = new Float32Array(queries * keys);
  for (let i = 0; i < queries; i++) for (let j = past + i + 1; j < keys; j++) values[i * keys + j] = -1e9;
  return tf.tensor2d(values, [queries, keys]);
}

class Gpt2Mlp extends Module {
  readonly c_fc: Linear;
  readonly c_proj: Linear;
  constructor(width: number, inner: number, rng: Rng) {
    super();
    this.c_fc = this.registerModule('c_fc', new Linear(width, inner, rng));
    this.c_proj = this.registerModule('c_proj', new Linear(inner, width, rng));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return this.c_proj.forward(geluTanh(this.c_fc.forward(x)));
  }
}

class Gpt2Block extends Module {
  readonly ln_1: LayerNorm;
  readonly attn: Gpt2Attention;
  readonly ln_2: LayerNorm;
  readonly mlp: Gpt2Mlp;
  constructor(config: Gpt2Config, rng: Rng) {
    super();
    this.ln_1 = this.registerModule('ln_1', new LayerNorm(config.n_embd, config.layer_norm_epsilon));
    this.attn = this.registerModule('attn', new Gpt2Attention(config.n_embd, config.n_head, rng));
    this.ln_2 = this.registerModule('ln_2', new LayerNorm(config.n_embd, config.layer_norm_epsilon));
    this.mlp = this.registerModule('mlp', new Gpt2Mlp(config.n_embd, innerSize(config), rng));
  }
}

export interface Gpt2ForwardOptions {
  /** LoRA / FiLM switches; absent: the base model. */
  adapters?: AdapterSwitch | null;
  /** Positions already processed; the new tokens continue after them. */
  cache?: KvCache | null;
  /** Also return the updated cache (the caller then owns and disposes it). */
  useCache?: boolean;
}

export interface Gpt2Output {
  /** [B, T, vocab] */
  logits: tf.Tensor3D;
  /** Final hidden states after ln_f, [B, T, d]. */
  hidden: tf.Tensor3D;
  cache: KvCache | null;
}

/**
 * GPT-2 (GPT2LMHeadModel) in TensorFlow.js: token + position embeddings, pre-LayerNorm blocks with
 * causal multi-head attention and a gelu_new MLP, final LayerNorm, LM head tied to the token
 * embedding. Parameter names are Hugging Face's (`h.0.attn.c_attn.weight`), so a state dict maps
 * one to one onto model.safetensors.
 */
export class Gpt2LMHeadModel extends Module {
  readonly wte: Embedding;
  readonly wpe: Embedding;
  readonly h: ModuleList<Gpt2Block>;
  readonly ln_f: LayerNorm;

  constructor(
    readonly config: Gpt2Config,
    rng: Rng = new Rng(0),
  ) {
    super();
    this.wte = this.registerModule('wte', new Embedding(config.vocab_size, config.n_embd, rng, 0.02));
    this.wpe = this.registerModule('wpe', new Embedding(config.n_positions, config.n_embd, rng, 0.01));
    this.h = this.registerModule('h', new ModuleList(Array.from({ length: config.n_layer }, () => new Gpt2Block(config, rng))));
    this.ln_f = this.registerModule('ln_f', new LayerNorm(config.n_embd, config.layer_norm_epsilon));
    // GPT-2's init: N(0, 0.02) for every matrix, zero biases (core's Linear defaults to PyTorch's U(+-1/sqrt(in))).
    for (const [name, v] of this.namedParameters()) {
      if (/\.(c_attn|c_proj|c_fc)\.weight$/.test(name)) v.assign(normalTensor(v.shape, 0.02, rng));
      if (/\.(c_attn|c_proj|c_fc)\.bias$/.test(name)) v.assign(tf.zerosLike(v));
    }
  }

  /**
   * ids [B, T] -> logits [B, T, vocab]. With a cache, ids are the next tokens after the cached
   * positions. Adapters are applied only when switched on, so the default is the base model.
   */
  forward(ids: tf.Tensor2D, options: Gpt2ForwardOptions = {}): Gpt2Output {
    const [batch, length] = ids.shape;
    const past = options.cache ?? null;
    const offset = past?.length ?? 0;
    if (offset + length > this.config.n_positions) {
      throw new SteerableError('sequence-too-long', `sequence of ${offset + length} tokens exceeds n_positions ${this.config.n_positions}`, {
        field: 'n_positions',
        hint: 'shorten prompts or max_new_tokens',
      });
    }
    const switches = options.adapters ?? null;
    const lora = switches?.lora ? switches.adapters.lora : null;
    const film = switches?.z ? switches.adapters.film : null;
    if (switches?.z && !film)
      throw new SteerableError('invalid-argument', 'a latent z was given but the adapters have no FiLM layers', { field: 'adapters.filmLatentDim' });
    if (switches?.lora && !switches.adapters.lora)
      throw new SteerableError('invalid-argument', 'LoRA was switched on but the adapters have no LoRA layers', { field: 'adapters.lora' });
    const newLayers: LayerKv[] = [];
    const out = tf.tidy(() => {
      const positions = tf.range(offset, offset + length, 1, 'int32').reshape([1, length]);
      let hidden = tf.add(this.embedTokens(ids), this.wpe.forward(positions)) as tf.Tensor3D;
      for (let layer = 0; layer < this.h.length; layer++) {
        const block = this.h.at(layer);
        const normed = block.ln_1.forward(hidden) as tf.Tensor3D;
        let loraInput: tf.Tensor2D | null = null;
        if (lora) {
          const flat = normed.reshape([batch * length, this.config.n_embd]) as tf.Tensor2D;
          const rate = lora.at(layer).q.config.dropout;
          loraInput = switches?.training && switches.rng ? (dropout(flat, rate, true, switches.rng) as tf.Tensor2D) : flat;
        }
        const { out: attended, kv } = block.attn.forward(normed, past?.layers[layer] ?? null, lora?.at(layer) ?? null, loraInput);
        if (options.useCache) newLayers.push({ key: tf.keep(kv.key), value: tf.keep(kv.value) });
        hidden = tf.add(hidden, attended) as tf.Tensor3D;
        hidden = tf.add(hidden, block.mlp.forward(block.ln_2.forward(hidden))) as tf.Tensor3D;
        if (film && switches?.z) hidden = (film.at(layer) as Film).forward(hidden, switches.z) as tf.Tensor3D;
      }
      const final = this.ln_f.forward(hidden) as tf.Tensor3D;
      const flat = final.reshape([batch * length, this.config.n_embd]) as tf.Tensor2D;
      const logits = tf.matMul(flat, this.wte.weight as tf.Tensor2D, false, true).reshape([batch, length, this.config.vocab_size]) as tf.Tensor3D;
      return { logits, hidden: final };
    });
    return { ...out, cache: options.useCache ? { layers: newLayers, length: offset + length } : null };
  }

  /**
   * tf.gather's gradient needs UnsortedSegmentSum, which stock wasm lacks; when the token table
   * itself is trained on such a backend, look it up as oneHot(ids) @ wte instead.
   */
  private embedTokens(ids: tf.Tensor2D): tf.Tensor {
    const needsSegmentSum = this.wte.weight.trainable && tf.getKernel('UnsortedSegmentSum', tf.getBackend()) === undefined;
    if (!needsSegmentSum) return this.wte.forward(ids);
    const [batch, length] = ids.shape;
    const oneHot = tf.oneHot(ids.reshape([batch * length]).toInt(), this.config.vocab_size).toFloat() as tf.Tensor2D;
    return tf.matMul(oneHot, this.wte.weight as tf.Tensor2D).reshape([batch, length, this.config.n_embd]);
  }
}
