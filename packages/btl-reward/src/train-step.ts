import * as tf from '@tensorflow/tfjs';
import { type Adam, DivergenceGuard, type DivergenceEvent, disposeGradients, valueAndGradients } from '@steerable/core';
import { pairwiseAccuracy } from './losses.js';
import type { ForwardOptions, PairTensors, RewardModel } from './models/reward-model.js';

export interface TrainStepResult {
  /** The objective (pairwise loss plus regularizer) before the update. */
  loss: number;
  /** Share of target pairs the model ranked right before the update. */
  accuracy: number;
  /** The regularizer (beta-weighted KL) for latent models, else null. */
  regularizer: number | null;
  /** Set when the guard's 'skip' policy dropped this step's update (a non-finite loss or gradient). */
  skipped: DivergenceEvent | null;
}

export interface TrainStepOptions extends ForwardOptions {
  /** Checks loss and gradients before the update (default: a 'stop' guard, which throws). */
  guard?: DivergenceGuard;
}

const STOP_GUARD = new DivergenceGuard();

/**
 * One optimizer step on one batch: objective, gradients for `params`, the divergence check, the
 * Adam update, with every scalar read back in one transfer. trainRewardModel runs exactly this,
 * and the benchmark times it, so the number quoted for "an NP-BTL training step" is the product's.
 * A non-finite loss or gradient is caught before the update: the weights and Adam's state are left
 * as they were, and the guard throws (policy 'stop') or the step is reported as skipped.
 */
export async function trainStep(
  model: RewardModel,
  adam: Adam,
  params: ReadonlyArray<readonly [string, tf.Variable]>,
  tensors: PairTensors,
  options: TrainStepOptions = {},
): Promise<TrainStepResult> {
  let accuracy: tf.Scalar | null = null;
  let regularizer: tf.Scalar | null = null;
  const { value, grads } = valueAndGradients(() => {
    const objective = model.objective(tensors, options);
    accuracy = tf.keep(pairwiseAccuracy(objective.logits));
    if (objective.regularizer) regularizer = tf.keep(objective.regularizer);
    return objective.loss;
  }, params);
  const extra: tf.Scalar[] = [accuracy!, ...(regularizer ? [regularizer as tf.Scalar] : [])];
  try {
    const check = await (options.guard ?? STOP_GUARD).check((options.step ?? 0) + 1, value, grads, extra);
    if (check.action === 'apply') adam.apply(grads);
    return { loss: check.loss, accuracy: check.scalars[0]!, regularizer: regularizer ? check.scalars[1]! : null, skipped: check.event };
  } finally {
    disposeGradients(grads);
    tf.dispose([value, ...extra]);
  }
}
