import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@steerable/core';
import type { ContextSet } from '@steerable/np-encoder';
import type { SequenceBatch } from '../logprobs/sequence-batch.js';
import { type Policy, repeatPerTask } from '../policy/policy.js';
import { type DpoLogProbs, dpoLosses, type DpoLossConfig, rpoTerm } from './dpo.js';

/**
 * One NP-DPO batch of B tasks (users), each with k context pairs and T target pairs.
 * `targets` holds the B*T chosen sequences (task-major) followed by the B*T rejected ones.
 * `reference` are log pi_ref for those rows, precomputed with adapters off.
 */
export interface NpDpoBatch {
  context: ContextSet;
  targets: SequenceBatch;
  pairsPerTask: number;
  referenceChosen: tf.Tensor1D;
  referenceRejected: tf.Tensor1D;
}

/**
 * NP-DPO (docs/method.md): z_C = encoder(context), pi conditioned on z_C through FiLM (plus
 * the unconditional LoRA), pi_ref unconditional with adapters off, DPO loss per target pair.
 * Returns the mean loss and the per-pair log-probs (for TRL's metrics).
 */
export function npDpoLoss(
  policy: Policy,
  batch: NpDpoBatch,
  config: DpoLossConfig,
  options: { training?: boolean; rng?: Rng } = {},
): { loss: tf.Scalar; logps: DpoLogProbs; losses: tf.Tensor1D } {
  return tf.tidy(() => {
    const z = policy.encode(batch.context, options.rng);
    const perPair = repeatPerTask(z, batch.pairsPerTask);
    const zRows = tf.concat([perPair, perPair], 0) as tf.Tensor2D;
    const logps = policy.logProbs(batch.targets, {
      lora: true,
      z: zRows,
      ...(options.training !== undefined ? { training: options.training } : {}),
      ...(options.rng ? { rng: options.rng } : {}),
    });
    const n = batch.referenceChosen.shape[0];
    const [policyChosen, policyRejected] = tf.split(logps, [n, n]) as [tf.Tensor1D, tf.Tensor1D];
    const all: DpoLogProbs = { policyChosen, policyRejected, referenceChosen: batch.referenceChosen, referenceRejected: batch.referenceRejected };
    const losses = dpoLosses(all, config);
    let loss = tf.mean(losses) as tf.Scalar;
    if (config.rpoAlpha) loss = tf.add(loss, rpoTerm(policyChosen, tf.sum(tf.slice(batch.targets.labelMask, [0, 0], [n, -1])) as tf.Scalar, config.rpoAlpha));
    return { loss, logps: { ...all, referenceChosen: tf.clone(batch.referenceChosen), referenceRejected: tf.clone(batch.referenceRejected) }, losses };
  });
}
