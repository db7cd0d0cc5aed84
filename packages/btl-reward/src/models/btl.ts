import * as tf from '@tensorflow/tfjs';
import { Mlp, Rng } from '@steerable/core';
import type { ContextSet } from '@steerable/np-encoder';
import type { ResolvedRewardModelConfig } from '../config/reward-model-config.js';
import { RewardHead } from '../reward-head.js';
import { type PairTensors, RewardModel, type RewardModelOutput, splitTargets, stackTargets } from './reward-model.js';

/**
 * Bradley-Terry-Luce: r(y) = g(phi(e(y))), one reward for every user. phi: MLP D->H->H,
 * g: Linear(H, H) -> BatchNorm -> ReLU -> Linear(H, 1, no bias). The context is ignored.
 */
export class BtlRewardModel extends RewardModel {
  readonly phi: Mlp;
  readonly head: RewardHead;

  constructor(readonly config: ResolvedRewardModelConfig) {
    super();
    const rng = new Rng(config.initSeed);
    const { inputDim: d, hiddenDim: h } = config;
    this.phi = this.registerModule('phi', new Mlp([d, h, h], rng));
    this.head = this.registerModule('head', new RewardHead(h, h, 1, rng, { batchNorm: config.batchNorm }));
  }

  get usesContext(): boolean {
    return false;
  }

  forward(batch: PairTensors): RewardModelOutput {
    const logits = tf.tidy(() => {
      const [chosen, rejected] = splitTargets(this.head.forward(this.phi.forward(stackTargets(batch))).squeeze([-1]));
      return tf.sub(chosen, rejected);
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
    return tf.tidy(() => this.head.forward(this.phi.forward(options)).squeeze([-1]));
  }
}
