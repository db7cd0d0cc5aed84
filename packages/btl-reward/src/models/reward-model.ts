import * as tf from '@tensorflow/tfjs';
import { Module, type Rng, SteerableError } from '@steerable/core';
import type { ContextSet } from '@steerable/np-encoder';
import type { ResolvedRewardModelConfig } from '../config/reward-model-config.js';
import { pairwiseLogisticLoss } from '../losses.js';

/** One batch of tasks as tensors: context [B, k, D] (k may be 0) and targets [B, T, D]. */
export interface PairTensors {
  contextChosen: tf.Tensor;
  contextRejected: tf.Tensor;
  targetChosen: tf.Tensor;
  targetRejected: tf.Tensor;
}

export interface ForwardOptions {
  /** Seeds dropout and latent sampling in training mode. */
  rng?: Rng;
  /** Optimizer steps taken so far (KL annealing). */
  step?: number;
}

export interface RewardModelOutput {
  /** The logit that each target's chosen option wins, for that task's user: shape [B, T]. */
  logits: tf.Tensor;
  /** Added to the pairwise loss (beta-weighted KL for latent models), or null. */
  regularizer: tf.Scalar | null;
}

export interface Objective {
  loss: tf.Scalar;
  logits: tf.Tensor;
  /** The pairwise (BTL) part of the loss and the regularizer, for logging. */
  pairLoss: tf.Scalar;
  regularizer: tf.Scalar | null;
}

/**
 * Target options with the part of their scoring that does not depend on the user done once, for
 * scoring the same targets under several contexts (evaluation scores the same targets at every k).
 */
export interface PreparedTargets {
  /** Logits [B, count] of each task's first `count` target pairs for the users `context` describes. */
  logits(count: number, context: ContextSet): tf.Tensor;
  dispose(): void;
}

/** Plain-array pairs for score(): row-major [n, D] each. */
export interface PlainPairs {
  chosen: Float32Array | number[];
  rejected: Float32Array | number[];
}

/**
 * A reward model r(x, y; z). Subclasses define `forward` (logits for a batch of tasks; training
 * or eval behaviour follows the module mode) and `optionRewards`. Models that ignore the context
 * (BTL, DPL) accept it anyway, so every model is scored the same way.
 */
export abstract class RewardModel extends Module {
  abstract readonly config: ResolvedRewardModelConfig;

  /** Whether the context changes the scores (false for BTL and DPL). */
  abstract get usesContext(): boolean;

  abstract forward(batch: PairTensors, options?: ForwardOptions): RewardModelOutput;

  /**
   * What a context says about its user, in the form this model scores with: z [B, userDim] for
   * NP-BTL and VPL (the mean in eval mode), null for models that ignore the context.
   */
  abstract inferUser(context: ContextSet): tf.Tensor | null;

  /** Size of inferUser's rows, or null for context-free models. */
  abstract get userDim(): number | null;

  /** Per-option rewards [B, N] for options [B, N, D] and each task's inferred user (null: none). */
  abstract rewardsForUser(options: tf.Tensor, user: tf.Tensor | null): tf.Tensor;

  /**
   * The targets' user-independent work done once (eval mode), or null where a model has none
   * worth sharing (the default): evaluation then scores task by task at each k.
   */
  prepareTargets(_targets: ContextSet): PreparedTargets | null {
    return null;
  }

  /** Per-option rewards [B, N] for options [B, N, D] given each task's context. */
  optionRewards(options: tf.Tensor, context: ContextSet): tf.Tensor {
    return tf.tidy(() => this.rewardsForUser(options, this.inferUser(context)));
  }

  /** Mean softplus(-logit) over all target pairs plus the regularizer. */
  objective(batch: PairTensors, options: ForwardOptions = {}): Objective {
    const out = this.forward(batch, options);
    const pairLoss = pairwiseLogisticLoss(out.logits);
    const loss = out.regularizer ? (tf.add(pairLoss, out.regularizer) as tf.Scalar) : tf.clone(pairLoss);
    return { loss, logits: out.logits, pairLoss, regularizer: out.regularizer };
  }

  /**
   * For one user described by `context` (k pairs, possibly none), the probability that each
   * chosen option beats its rejected one. Runs in eval mode (BatchNorm running statistics).
   */
  async score(pairs: PlainPairs, context: PlainPairs = { chosen: [], rejected: [] }): Promise<number[]> {
    const d = this.config.inputDim;
    const n = checkRows(pairs, d, 'pairs');
    const k = checkRows(context, d, 'context');
    const probabilities = this.inEvalMode(() =>
      tf.tidy(() => {
        const batch: PairTensors = {
          contextChosen: tf.tensor(Float32Array.from(context.chosen), [1, k, d]),
          contextRejected: tf.tensor(Float32Array.from(context.rejected), [1, k, d]),
          targetChosen: tf.tensor(Float32Array.from(pairs.chosen), [1, n, d]),
          targetRejected: tf.tensor(Float32Array.from(pairs.rejected), [1, n, d]),
        };
        const out = this.forward(batch);
        out.regularizer?.dispose();
        return tf.sigmoid(out.logits);
      }),
    );
    const values = Array.from(await probabilities.data());
    probabilities.dispose();
    return values;
  }

  /** Rewards r(y; z_C) of `options` (row-major [n, D]) for the user described by `context`. */
  async rewards(options: Float32Array | number[], context: PlainPairs = { chosen: [], rejected: [] }): Promise<number[]> {
    const d = this.config.inputDim;
    if (options.length % d !== 0)
      throw new SteerableError('invalid-argument', `options has ${options.length} values, not a multiple of the embedding size ${d}`, { field: 'options' });
    const n = options.length / d;
    const k = checkRows(context, d, 'context');
    const rewards = this.inEvalMode(() =>
      tf.tidy(() =>
        this.optionRewards(tf.tensor(Float32Array.from(options), [1, n, d]), {
          chosen: tf.tensor(Float32Array.from(context.chosen), [1, k, d]),
          rejected: tf.tensor(Float32Array.from(context.rejected), [1, k, d]),
        }),
      ),
    );
    const values = Array.from(await rewards.data());
    rewards.dispose();
    return values;
  }

  /** Runs `fn` in eval mode and restores the previous mode. */
  inEvalMode<T>(fn: () => T): T {
    const wasTraining = this.training;
    this.eval();
    try {
      return fn();
    } finally {
      this.train(wasTraining);
    }
  }
}

function checkRows(pairs: PlainPairs, d: number, field: string): number {
  if (pairs.chosen.length !== pairs.rejected.length || pairs.chosen.length % d !== 0) {
    throw new SteerableError(
      'invalid-argument',
      `${field}.chosen and ${field}.rejected must have the same length, a multiple of the embedding size ${d}; got ${pairs.chosen.length} and ${pairs.rejected.length}`,
      { field },
    );
  }
  return pairs.chosen.length / d;
}

/** Stacks chosen and rejected targets into [B, 2T, D] so one pass scores both (BatchNorm sees all options). */
export function stackTargets(batch: PairTensors): tf.Tensor {
  return tf.concat([batch.targetChosen, batch.targetRejected], 1);
}

/** Splits per-option values [B, 2T, ...] back into chosen and rejected halves. */
export function splitTargets(values: tf.Tensor): [tf.Tensor, tf.Tensor] {
  return tf.split(values, 2, 1) as [tf.Tensor, tf.Tensor];
}
