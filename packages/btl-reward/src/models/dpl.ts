import * as tf from '@tensorflow/tfjs';
import { Mlp, Rng } from '@steerable/core';
import type { ContextSet } from '@steerable/np-encoder';
import type { ResolvedRewardModelConfig } from '../config/reward-model-config.js';
import { RewardHead } from '../reward-head.js';
import { type PairTensors, RewardModel, type RewardModelOutput, splitTargets, stackTargets } from './reward-model.js';

/**
 * Distributional preference learning, mean-variance form: the head gives (mu, s = softplus(raw))
 * per option and p(a > b) = sigmoid(c (mu_a - mu_b) / sqrt(s_a^2 + s_b^2)). `rewards()` returns mu.
 */
export class DplRewardModel extends RewardModel {
  readonly phi: Mlp;
  readonly head: RewardHead;

  constructor(readonly config: ResolvedRewardModelConfig) {
    super();
    const rng = new Rng(config.initSeed);
    const { inputDim: d, hiddenDim: h } = config;
    this.phi = this.registerModule('phi', new Mlp([d, h, h], rng));
    this.head = this.registerModule('head', new RewardHead(h, h, 2, rng, { batchNorm: config.batchNorm }));
  }

  get usesContext(): boolean {
    return false;
  }

  /** Mean and standard deviation of each option's reward, [..., 2] -> two [...] tensors. */
  meanAndStd(options: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      const out = this.head.forward(this.phi.forward(options));
      const [mu, raw] = tf.split(out, 2, -1) as [tf.Tensor, tf.Tensor];
      return [mu.squeeze([-1]), tf.softplus(raw).squeeze([-1])];
    });
  }

  forward(batch: PairTensors): RewardModelOutput {
    const logits = tf.tidy(() => {
      const [mu, std] = this.meanAndStd(stackTargets(batch));
      const [muW, muL] = splitTargets(mu);
      const [sW, sL] = splitTargets(std);
      const spread = tf.sqrt(tf.add(tf.square(sW), tf.square(sL)));
      return tf.div(tf.mul(this.config.dplC, tf.sub(muW, muL)), spread);
    });
    return { logits, regularizer: null };
  }

  inferUser(_context: ContextSet): null {
    return null;
  }

  get userDim(): null {
    return null;
  }

  rewardsForUser(options: tf.Tensor, _user: tf.Tensor | null): tf.Tensor {
    return tf.tidy(() => {
      const [mu, std] = this.meanAndStd(options);
      std.dispose();
      return mu;
    });
  }
}
