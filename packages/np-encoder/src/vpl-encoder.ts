import * as tf from '@tensorflow/tfjs';
import { Linear, Mlp, Module, MultiHeadAttention, type Rng } from '@steerable/core';
import type { ContextSet } from './context-set.js';
import type { DiagonalGaussian } from './gaussian.js';
import { positiveInteger } from './context-encoder-config.js';

export interface VplEncoderConfig {
  inputDim: number;
  hiddenDim: number;
  /** Size of z (default hiddenDim). */
  latentDim?: number;
}

export type ResolvedVplEncoderConfig = Required<VplEncoderConfig>;

/**
 * The VPL encoder (Poddar et al. 2024): an MLP over [e_w; e_l] per pair, single-head
 * self-attention, mean pooling, then a Gaussian (mean, log-variance heads). Samples are
 * L2-normalised and scaled by sqrt(latentDim) before reaching the decoder.
 */
export class VplEncoder extends Module {
  readonly config: ResolvedVplEncoderConfig;
  private readonly pairMlp: Mlp;
  private readonly attention: MultiHeadAttention;
  private readonly meanHead: Linear;
  private readonly logVarHead: Linear;

  constructor(config: VplEncoderConfig, rng: Rng) {
    super();
    this.config = { inputDim: config.inputDim, hiddenDim: config.hiddenDim, latentDim: config.latentDim ?? config.hiddenDim };
    positiveInteger(this.config.inputDim, 'encoder.inputDim');
    positiveInteger(this.config.hiddenDim, 'encoder.hiddenDim');
    positiveInteger(this.config.latentDim, 'encoder.latentDim');
    const { inputDim, hiddenDim, latentDim } = this.config;
    this.pairMlp = this.registerModule('pair_mlp', new Mlp([2 * inputDim, hiddenDim, hiddenDim], rng));
    this.attention = this.registerModule('attention', new MultiHeadAttention(hiddenDim, 1, rng));
    this.meanHead = this.registerModule('mean', new Linear(hiddenDim, latentDim, rng));
    this.logVarHead = this.registerModule('log_var', new Linear(hiddenDim, latentDim, rng));
  }

  distribution(context: ContextSet): DiagonalGaussian {
    const [mean, std] = tf.tidy(() => {
      const [b, k] = context.chosen.shape as [number, number, number];
      const pooled =
        k === 0
          ? tf.zeros([b, this.config.hiddenDim])
          : tf.mean(this.attention.forward(this.pairMlp.forward(tf.concat([context.chosen, context.rejected], -1))), 1);
      return [this.meanHead.forward(pooled), tf.exp(tf.mul(0.5, this.logVarHead.forward(pooled)))];
    });
    return { mean: mean!, std: std! };
  }

  /** L2-normalise z and scale it to norm sqrt(latentDim). */
  project(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.div(z, tf.add(tf.norm(z, 'euclidean', -1, true), 1e-8)), Math.sqrt(this.config.latentDim)));
  }
}
