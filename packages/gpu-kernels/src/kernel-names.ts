import type * as tf from '@tensorflow/tfjs';

// The contract between ops, gradients and per-backend kernels, as tfjs's kernel_names.ts: a name
// constant and its input/attr types side by side. The Steerable prefix keeps us out of tfjs's
// (and TensorFlow's) namespace.

type Inputs<K extends string> = { [name in K]: tf.TensorInfo };

/** logits [B, L, V] float32, labels [B, L] int32, mask [B, L] float32 -> [B], and logsumexp [B, L] (saved for the gradient). */
export const SteerableSequenceLogProbs = 'SteerableSequenceLogProbs';
export type SequenceLogProbsInputs = Inputs<'logits' | 'labels' | 'mask'>;

/** dy [B], logits, labels, mask, logSumExp [B, L] -> dLogits [B, L, V] = dy * mask * (onehot - softmax). */
export const SteerableSequenceLogProbsGrad = 'SteerableSequenceLogProbsGrad';
export type SequenceLogProbsGradInputs = Inputs<'dy' | 'logits' | 'labels' | 'mask' | 'logSumExp'>;

/** chosen [N], rejected [N] -> scalar mean softplus(-(chosen - rejected) * scale). */
export const SteerablePairwiseLoss = 'SteerablePairwiseLoss';
export type PairwiseLossInputs = Inputs<'chosen' | 'rejected'>;
export interface PairwiseLossAttrs {
  scale: number;
}

/** dy [] (scalar), chosen, rejected -> dChosen [N] (dRejected is its negation). */
export const SteerablePairwiseLossGrad = 'SteerablePairwiseLossGrad';
export type PairwiseLossGradInputs = Inputs<'dy' | 'chosen' | 'rejected'>;

/**
 * q, k, v [G, n, d] (G = batch x heads), weightsMask [G, n, n] (attention dropout, ones without)
 * -> [G, d] = sum_i (softmax(q_i K^T / sqrt(d)) * mask_i) V: self-attention over a set, then the
 * sum pooling of docs/method.md, without materialising the [G, n, d] attention output.
 */
export const SteerableSetAttentionPool = 'SteerableSetAttentionPool';
export type SetAttentionPoolInputs = Inputs<'q' | 'k' | 'v' | 'weightsMask'>;

/** dy [G, d], q, k, v, weightsMask -> [dq, dk, dv]. */
export const SteerableSetAttentionPoolGrad = 'SteerableSetAttentionPoolGrad';
export type SetAttentionPoolGradInputs = Inputs<'dy' | 'q' | 'k' | 'v' | 'weightsMask'>;

export const STEERABLE_KERNEL_NAMES = [
  SteerableSequenceLogProbs,
  SteerableSequenceLogProbsGrad,
  SteerablePairwiseLoss,
  SteerablePairwiseLossGrad,
  SteerableSetAttentionPool,
  SteerableSetAttentionPoolGrad,
] as const;
