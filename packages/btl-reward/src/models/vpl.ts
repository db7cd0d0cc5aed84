import * as tf from '@tensorflow/tfjs';
import { Mlp, Rng, SteerableError } from '@steerable/core';
import { type ContextSet, VplEncoder, sampleGaussian, standardNormalKl } from '@steerable/np-encoder';
import type { ResolvedRewardModelConfig } from '../config/reward-model-config.js';
import { type ForwardOptions, type PairTensors, RewardModel, type RewardModelOutput, splitTargets, stackTargets } from './reward-model.js';

/**
 * Variational preference learning (Poddar et al. 2024) as a peer baseline: the VPL encoder gives
 * q(z|C); z (sampled in training, the mean in eval) is L2-normalised times sqrt(latentDim); the
 * decoder is an MLP over [e(y); z] (D + Z -> H -> H -> 1). Loss: BTL + beta_kl * w(step) *
 * KL(q(z|C) || N(0, I)), w ramping linearly from 0 to 1 over klAnnealSteps.
 */
export class VplRewardModel extends RewardModel {
  readonly encoder: VplEncoder;
  readonly decoder: Mlp;

  constructor(readonly config: ResolvedRewardModelConfig) {
    super();
    const rng = new Rng(config.initSeed);
    const { inputDim: d, hiddenDim: h, latentDim } = config;
    this.encoder = this.registerModule('encoder', new VplEncoder({ inputDim: d, hiddenDim: h, latentDim }, rng));
    this.decoder = this.registerModule('decoder', new Mlp([d + latentDim, h, h, 1], rng));
  }

  get usesContext(): boolean {
    return true;
  }

  private rewardsGivenZ(options: tf.Tensor, z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [b, n] = options.shape as [number, number, number];
      const zTiled = tf.tile(this.encoder.project(z).reshape([b, 1, -1]), [1, n, 1]);
      return this.decoder.forward(tf.concat([options, zTiled], -1)).squeeze([-1]);
    });
  }

  forward(batch: PairTensors, options: ForwardOptions = {}): RewardModelOutput {
    let regularizer: tf.Scalar | null = null;
    const logits = tf.tidy(() => {
      const q = this.encoder.distribution({ chosen: batch.contextChosen, rejected: batch.contextRejected });
      const z = this.training ? sampleGaussian(q, options.rng ?? new Rng(0)) : q.mean;
      if (this.training) {
        const ramp = this.config.klAnnealSteps === 0 ? 1 : Math.min(1, (options.step ?? 0) / this.config.klAnnealSteps);
        regularizer = tf.keep(tf.mul(standardNormalKl(q), this.config.betaKl * ramp) as tf.Scalar);
      }
      const [chosen, rejected] = splitTargets(this.rewardsGivenZ(stackTargets(batch), z));
      return tf.sub(chosen, rejected);
    });
    return { logits, regularizer };
  }

  inferUser(context: ContextSet): tf.Tensor {
    return tf.tidy(() => this.encoder.distribution(context).mean);
  }

  get userDim(): number {
    return this.config.latentDim;
  }

  rewardsForUser(options: tf.Tensor, user: tf.Tensor | null): tf.Tensor {
    if (!user) throw new SteerableError('invalid-argument', 'VPL scores for an inferred user: pass inferUser(context)', { field: 'user' });
    return this.rewardsGivenZ(options, user);
  }
}
