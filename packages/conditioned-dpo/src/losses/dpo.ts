import * as tf from '@tensorflow/tfjs';
import { SteerableError } from '@steerable/core';

/** TRL's `loss_type` names for the variants implemented here. */
export const DPO_LOSS_TYPES = ['sigmoid', 'ipo', 'robust'] as const;
export type DpoLossType = (typeof DPO_LOSS_TYPES)[number];

export interface DpoLossConfig {
  beta: number;
  lossType: DpoLossType;
  /** cDPO/robust label-smoothing epsilon in [0, 0.5). */
  labelSmoothing: number;
  /**
   * TRL's `rpo_alpha`: adds alpha * (mean per-token NLL of the chosen responses) to the loss. It
   * stops the likelihood of both responses drifting down (mass leaking to tokens no response uses). 0: off.
   */
  rpoAlpha?: number;
}

/** The RPO term: alpha * (-sum log pi(chosen)) / (number of chosen response tokens). */
export function rpoTerm(policyChosen: tf.Tensor1D, chosenTokenCount: tf.Scalar | number, alpha: number): tf.Scalar {
  return tf.tidy(() => tf.mul(tf.div(tf.neg(tf.sum(policyChosen)), chosenTokenCount), alpha) as tf.Scalar);
}

export interface DpoLogProbs {
  policyChosen: tf.Tensor1D;
  policyRejected: tf.Tensor1D;
  referenceChosen: tf.Tensor1D;
  referenceRejected: tf.Tensor1D;
}

/** log sigma(x) as -softplus(-x): tf.logSigmoid's gradient breaks on intermediates in tfjs 4.22. */
function logSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.neg(tf.softplus(tf.neg(x)));
}

/**
 * Per-pair DPO losses [N], as TRL's DPOTrainer.dpo_loss, with h = (pi_w - pi_l) - (ref_w - ref_l):
 * - sigmoid: -log s(beta h)(1 - eps) - log s(-beta h) eps
 * - ipo:     (h - 1/(2 beta))^2  (TRL averages log-probs per token for IPO; callers pass them)
 * - robust:  (-log s(beta h)(1 - eps) + log s(-beta h) eps) / (1 - 2 eps)
 */
export function dpoLosses(logps: DpoLogProbs, config: DpoLossConfig): tf.Tensor1D {
  const { beta, lossType, labelSmoothing: eps } = config;
  if (!(beta > 0)) throw new SteerableError('invalid-config', `beta must be > 0, got ${beta}`, { field: 'beta' });
  if (!(eps >= 0 && eps < 0.5)) throw new SteerableError('invalid-config', `label_smoothing must be in [0, 0.5), got ${eps}`, { field: 'label_smoothing' });
  return tf.tidy(() => {
    const h = tf.sub(tf.sub(logps.policyChosen, logps.policyRejected), tf.sub(logps.referenceChosen, logps.referenceRejected));
    const scaled = tf.mul(h, beta);
    switch (lossType) {
      case 'sigmoid':
        return tf.sub(tf.mul(logSigmoid(scaled), -(1 - eps)), tf.mul(logSigmoid(tf.neg(scaled)), eps)) as tf.Tensor1D;
      case 'ipo': {
        const d = tf.sub(h, 1 / (2 * beta));
        return tf.mul(d, d) as tf.Tensor1D;
      }
      case 'robust':
        return tf.div(tf.add(tf.mul(logSigmoid(scaled), -(1 - eps)), tf.mul(logSigmoid(tf.neg(scaled)), eps)), 1 - 2 * eps) as tf.Tensor1D;
      default:
        throw new SteerableError('invalid-config', `unknown loss_type '${String(lossType)}'`, {
          field: 'loss_type',
          hint: `use one of ${DPO_LOSS_TYPES.join(', ')}`,
        });
    }
  });
}

/** Implicit rewards beta * (log pi - log pi_ref) for chosen and rejected, [N] each. */
export function implicitRewards(logps: DpoLogProbs, beta: number): { chosen: tf.Tensor1D; rejected: tf.Tensor1D } {
  return tf.tidy(() => ({
    chosen: tf.mul(tf.sub(logps.policyChosen, logps.referenceChosen), beta) as tf.Tensor1D,
    rejected: tf.mul(tf.sub(logps.policyRejected, logps.referenceRejected), beta) as tf.Tensor1D,
  }));
}

/** The metric names TRL's DPOTrainer logs. */
export interface DpoMetrics {
  loss: number;
  'rewards/chosen': number;
  'rewards/rejected': number;
  'rewards/margins': number;
  'rewards/accuracies': number;
  'logps/chosen': number;
  'logps/rejected': number;
}

/** Batch means of TRL's metrics; accuracies count chosen > rejected strictly, as TRL does. */
export async function dpoMetrics(logps: DpoLogProbs, losses: tf.Tensor1D, beta: number): Promise<DpoMetrics> {
  const rewards = implicitRewards(logps, beta);
  const [c, r, pc, pr, l] = await Promise.all([
    rewards.chosen.data(),
    rewards.rejected.data(),
    logps.policyChosen.data(),
    logps.policyRejected.data(),
    losses.data(),
  ]);
  tf.dispose([rewards.chosen, rewards.rejected]);
  const mean = (a: ArrayLike<number>): number => Array.from(a).reduce((s, v) => s + v, 0) / Math.max(1, a.length);
  return {
    loss: mean(l),
    'rewards/chosen': mean(c),
    'rewards/rejected': mean(r),
    'rewards/margins': mean(Array.from(c, (v, i) => v - r[i]!)),
    'rewards/accuracies': mean(Array.from(c, (v, i) => (v > r[i]! ? 1 : 0))),
    'logps/chosen': mean(pc),
    'logps/rejected': mean(pr),
  };
}
