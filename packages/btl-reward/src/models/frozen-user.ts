import * as tf from '@tensorflow/tfjs';
import { SteerableError } from '@steerable/core';
import type { ContextSet } from '@steerable/np-encoder';
import type { ResolvedRewardModelConfig } from '../config/reward-model-config.js';
import { type PairTensors, RewardModel, type RewardModelOutput, splitTargets, stackTargets } from './reward-model.js';

/**
 * A conditional reward model with one user's inferred representation stored as a buffer: the
 * reward model of that user, which scores without any context (what `UserRewardModel.freeze()`
 * saves). Its weights are the base model's under `base.` plus `user` [1, userDim].
 */
export class FrozenUserRewardModel extends RewardModel {
  readonly base: RewardModel;
  readonly user: tf.Variable;

  constructor(
    readonly config: ResolvedRewardModelConfig,
    base: RewardModel,
    user?: tf.Tensor,
  ) {
    super();
    if (base.userDim === null)
      throw new SteerableError('invalid-argument', `a ${config.kind} model ignores the context: it is already one reward for every user`, {
        field: 'frozenUser',
        hint: 'freeze NP-BTL or VPL models only',
      });
    this.base = this.registerModule('base', base);
    this.user = this.registerBuffer('user', user ? tf.reshape(user, [1, base.userDim]) : tf.zeros([1, base.userDim]));
  }

  get usesContext(): boolean {
    return false;
  }

  get userDim(): number {
    return this.base.userDim!;
  }

  inferUser(context: ContextSet): tf.Tensor {
    return tf.tidy(() => tf.tile(this.user, [context.chosen.shape[0]!, 1]));
  }

  rewardsForUser(options: tf.Tensor, user: tf.Tensor | null): tf.Tensor {
    return this.base.rewardsForUser(options, user ?? this.user);
  }

  forward(batch: PairTensors): RewardModelOutput {
    const logits = tf.tidy(() => {
      const users = tf.tile(this.user, [batch.targetChosen.shape[0]!, 1]);
      const [chosen, rejected] = splitTargets(this.base.rewardsForUser(stackTargets(batch), users));
      return tf.sub(chosen, rejected);
    });
    return { logits, regularizer: null };
  }
}
