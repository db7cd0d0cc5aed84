import * as tf from '@tensorflow/tfjs';
import { Mlp, Module, type Rng, SteerableError } from '@steerable/core';
import type { ContextSet } from './context-set.js';
import { PairEncoder } from './pair-encoder.js';
import { SetAggregator } from './set-aggregator.js';
import { type ContextEncoderConfig, type ResolvedContextEncoderConfig, resolveContextEncoderConfig } from './context-encoder-config.js';
import type { DiagonalGaussian } from './gaussian.js';

export interface EncodeOptions {
  /** Seeds attention dropout; needed in training mode when attentionDropout > 0. */
  rng?: Rng;
}

/**
 * The neural-process context encoder: u_i = h([e_w; e_l]), s = aggregate(u_1..u_k), then rho.
 * Deterministic: z = rho(s), rho an MLP H->H->H. Latent: rho gives (mu, s_raw) and
 * q(z|C) = N(mu, softplus(s_raw)^2). With k = 0, s = 0, so z = rho(0) is a learned prior.
 */
export class ContextEncoder extends Module {
  readonly config: ResolvedContextEncoderConfig;
  readonly pairEncoder: PairEncoder;
  readonly aggregator: SetAggregator;
  readonly rho: Mlp;

  constructor(config: ContextEncoderConfig, rng: Rng) {
    super();
    this.config = resolveContextEncoderConfig(config);
    const { inputDim, hiddenDim } = this.config;
    this.pairEncoder = this.registerModule('pair_encoder', new PairEncoder(this.config.pairEncoder, inputDim, hiddenDim, rng));
    this.aggregator = this.registerModule('aggregator', new SetAggregator(this.config.aggregation, hiddenDim, rng, this.config));
    const outDim = this.config.variant === 'latent' ? 2 * hiddenDim : hiddenDim;
    this.rho = this.registerModule('rho', new Mlp([hiddenDim, hiddenDim, outDim], rng));
  }

  get latentDim(): number {
    return this.config.hiddenDim;
  }

  /** The pooled set representation s, [B, H]. */
  represent(context: ContextSet, options: EncodeOptions = {}): tf.Tensor {
    return tf.tidy(() => this.pool(this.pairFeatures(context), options));
  }

  /**
   * u_i = h([e_w; e_l]) for every pair of `context`, [B, k, H] (k may be 0). The pair encoder sees
   * one pair at a time, so the features of C u T are those of C and of T concatenated along the
   * set axis: the latent variant's two posteriors share the context's features this way.
   */
  pairFeatures(context: ContextSet): tf.Tensor {
    if (context.chosen.rank !== 3 || context.rejected.rank !== 3 || context.chosen.shape.join() !== context.rejected.shape.join()) {
      throw new SteerableError(
        'invalid-argument',
        `context chosen/rejected must both be [B, k, D]; got [${context.chosen.shape}] and [${context.rejected.shape}]`,
      );
    }
    if (context.chosen.shape[2] !== this.config.inputDim) {
      throw new SteerableError('invalid-argument', `context embeddings have dim ${context.chosen.shape[2]}, the encoder expects ${this.config.inputDim}`, {
        hint: 'embed the context with the same featurizer the model was trained with',
      });
    }
    const [b, k] = context.chosen.shape as [number, number, number];
    if (k === 0) return tf.zeros([b, 0, this.config.hiddenDim]);
    return this.pairEncoder.forward(context.chosen, context.rejected);
  }

  /** s = aggregate(u) for pair features u [B, k, H] (from `pairFeatures`), [B, H]. */
  pool(features: tf.Tensor, options: EncodeOptions = {}): tf.Tensor {
    return this.aggregator.forward(features, options.rng);
  }

  /** Deterministic variant: z_C [B, H]. For the latent variant this is the posterior mean. */
  encode(context: ContextSet, options: EncodeOptions = {}): tf.Tensor {
    if (this.config.variant === 'deterministic') return tf.tidy(() => this.rho.forward(this.represent(context, options)));
    return tf.tidy(() => {
      const q = this.distribution(context, options);
      q.std.dispose();
      return q.mean;
    });
  }

  /** Latent variant: q(z|C) as (mean, std), each [B, H]. */
  distribution(context: ContextSet, options: EncodeOptions = {}): DiagonalGaussian {
    this.assertLatent();
    const [mean, std] = tf.tidy(() => {
      const q = this.distributionFromFeatures(this.pairFeatures(context), options);
      return [q.mean, q.std];
    });
    return { mean: mean!, std: std! };
  }

  /** Latent variant: q(z | the set whose pair features are `features` [B, k, H]). */
  distributionFromFeatures(features: tf.Tensor, options: EncodeOptions = {}): DiagonalGaussian {
    this.assertLatent();
    const [mean, std] = tf.tidy(() => {
      const out = this.rho.forward(this.pool(features, options));
      const [m, raw] = tf.split(out, 2, -1) as [tf.Tensor, tf.Tensor];
      return [m, tf.softplus(raw)];
    });
    return { mean: mean!, std: std! };
  }

  private assertLatent(): void {
    if (this.config.variant !== 'latent') {
      throw new SteerableError('invalid-argument', 'distribution() needs the latent encoder variant', {
        hint: "set encoder.variant to 'latent' or call encode()",
      });
    }
  }
}
