import * as tf from '@tensorflow/tfjs';
import { type Adam, disposeGradients, valueAndGradients } from '@steerable/core';
import { pairwiseAccuracy } from './losses.js';
import type { ForwardOptions, PairTensors, RewardModel } from './models/reward-model.js';

export interface TrainStepResult {
  /** The objective (pairwise loss plus regularizer) before the update. */
  loss: number;
  /** Share of target pairs the model ranked right before the update. */
  accuracy: number;
  /** The regularizer (beta-weighted KL) for latent models, else null. */
  regularizer: number | null;
}

/**
 * One optimizer step on one batch: objective, gradients for `params`, Adam update, then the
 * scalars read back. trainRewardModel runs exactly this, and the benchmark times it, so the
 * number quoted for "an NP-BTL training step" is the product's step.
 */
export async function trainStep(
  model: RewardModel,
  adam: Adam,
  params: ReadonlyArray<readonly [string, tf.Variable]>,
  tensors: PairTensors,
  options: ForwardOptions = {},
): Promise<TrainStepResult> {
  let accuracy: tf.Scalar | null = null;
  let regularizer: tf.Scalar | null = null;
  const { value, grads } = valueAndGradients(() => {
    const objective = model.objective(tensors, options);
    accuracy = tf.keep(pairwiseAccuracy(objective.logits));
    if (objective.regularizer) regularizer = tf.keep(objective.regularizer);
    return objective.loss;
  }, params);
  adam.apply(grads);
  disposeGradients(grads);
  const scalars: tf.Scalar[] = [value, accuracy!, ...(regularizer ? [regularizer as tf.Scalar] : [])];
  // One read for all scalars: each data() call waits for the backend separately.
  const stacked = tf.stack(scalars);
  tf.dispose(scalars);
  const values = await stacked.data();
  stacked.dispose();
  return { loss: values[0]!, accuracy: values[1]!, regularizer: regularizer ? values[2]! : null };
}
