import * as tf from '@tensorflow/tfjs';
import { Linear, Module, ModuleList, type Rng, SteerableError, uniformTensor } from '@steerable/core';

export interface LoraConfig {
  rank: number;
  /** Scaling is alpha / rank (PEFT); the paper uses alpha = 2 * rank. */
  alpha: number;
  dropout: number;
}

export interface AdapterConfig {
  lora: LoraConfig | null;
  /** Width of the latent z that drives FiLM; null: no FiLM layers. */
  filmLatentDim: number | null;
}

/**
 * A rank-r update x -> (dropout(x) A B) * alpha / r, added to a frozen projection. A is drawn as
 * PEFT's kaiming_uniform(a = sqrt(5)), i.e. U(+-1/sqrt(in)); B starts at zero so the adapted model
 * equals the base model at initialisation.
 */
export class LoraDelta extends Module {
  readonly A: tf.Variable;
  readonly B: tf.Variable;
  readonly scaling: number;

  constructor(
    inFeatures: number,
    outFeatures: number,
    readonly config: LoraConfig,
    rng: Rng,
  ) {
    super();
    if (!Number.isInteger(config.rank) || config.rank < 1) {
      throw new SteerableError('invalid-config', `LoRA rank must be a positive integer, got ${config.rank}`, {
        field: 'lora.rank',
        hint: 'use e.g. rank 8 with alpha 16',
      });
    }
    const bound = 1 / Math.sqrt(inFeatures);
    this.A = this.registerParameter('A', uniformTensor([inFeatures, config.rank], -bound, bound, rng));
    this.B = this.registerParameter('B', tf.zeros([config.rank, outFeatures]));
    this.scaling = config.alpha / config.rank;
  }

  /** x is already dropped out by the caller (one mask shared by q and v, as PEFT's per-module dropout is not). */
  forward(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.mul(tf.matMul(tf.matMul(x, this.A as tf.Tensor2D), this.B as tf.Tensor2D), this.scaling));
  }
}

export class LoraAttention extends Module {
  readonly q: LoraDelta;
  readonly v: LoraDelta;
  constructor(width: number, config: LoraConfig, rng: Rng) {
    super();
    this.q = this.registerModule('q', new LoraDelta(width, width, config, rng));
    this.v = this.registerModule('v', new LoraDelta(width, width, config, rng));
  }
}

/**
 * Feature-wise linear modulation h <- gamma(z) * h + beta(z), gamma and beta linear in z and the
 * identity at initialisation (W = 0, b_gamma = 1, b_beta = 0).
 */
export class Film extends Module {
  readonly gamma: Linear;
  readonly beta: Linear;
  constructor(latentDim: number, width: number, rng: Rng) {
    super();
    this.gamma = this.registerModule('gamma', new Linear(latentDim, width, rng, { init: 'zeros' }));
    this.beta = this.registerModule('beta', new Linear(latentDim, width, rng, { init: 'zeros' }));
    this.gamma.bias!.assign(tf.onesLike(this.gamma.bias!));
  }

  /** h [B, T, d], z [B, H] -> [B, T, d]; the modulation is broadcast over positions. */
  forward(h: tf.Tensor, z: tf.Tensor2D): tf.Tensor {
    return tf.tidy(() => {
      const [batch, , width] = h.shape as [number, number, number];
      const gamma = this.gamma.forward(z).reshape([batch, 1, width]);
      const beta = this.beta.forward(z).reshape([batch, 1, width]);
      return tf.add(tf.mul(h, gamma), beta);
    });
  }
}

/**
 * The trainable part of a policy: LoRA on every block's query and value projections and FiLM
 * after every block. Kept apart from the base weights, so "adapters off" is the frozen reference
 * model with no second copy of the base in memory.
 */
export class PolicyAdapters extends Module {
  readonly lora: ModuleList<LoraAttention> | null;
  readonly film: ModuleList<Film> | null;

  constructor(
    readonly config: AdapterConfig,
    numLayers: number,
    width: number,
    rng: Rng,
  ) {
    super();
    this.lora = config.lora
      ? this.registerModule('lora', new ModuleList(Array.from({ length: numLayers }, () => new LoraAttention(width, config.lora!, rng))))
      : null;
    this.film = config.filmLatentDim
      ? this.registerModule('film', new ModuleList(Array.from({ length: numLayers }, () => new Film(config.filmLatentDim!, width, rng))))
      : null;
  }
}

/** Which adapters a forward pass uses. Absent or `{lora: false, z: null}`: the base model, exactly. */
export interface AdapterSwitch {
  adapters: PolicyAdapters;
  lora: boolean;
  /** The latent that drives FiLM, [B, H] (one row per sequence); null turns FiLM off. */
  z: tf.Tensor2D | null;
  /** Enables LoRA dropout (needs rng). */
  training?: boolean;
  rng?: Rng;
}
