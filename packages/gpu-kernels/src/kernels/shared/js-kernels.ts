import type * as tf from '@tensorflow/tfjs';
import type { JsKernel } from './js-kernel.js';
import {
  SteerablePairwiseLoss,
  SteerablePairwiseLossGrad,
  SteerableSequenceLogProbs,
  SteerableSequenceLogProbsGrad,
  SteerableSetAttentionPool,
  SteerableSetAttentionPoolGrad,
} from '../../kernel-names.js';
import { sequenceLogProbsGradImpl, sequenceLogProbsImpl } from './sequence-log-probs-impl.js';
import { pairwiseLossGradImpl, pairwiseLossImpl } from './pairwise-loss-impl.js';
import { setAttentionPoolGradImpl, setAttentionPoolImpl } from './set-attention-pool-impl.js';

const dims = (info: tf.TensorInfo) => info.shape as number[];

export const sequenceLogProbsJs: JsKernel = {
  kernelName: SteerableSequenceLogProbs,
  inputNames: ['logits', 'labels', 'mask'],
  outputs: ({ logits }) => {
    const [b, l] = dims(logits!);
    return [
      { shape: [b!], dtype: 'float32' },
      { shape: [b!, l!], dtype: 'float32' },
    ];
  },
  compute: ({ logits, labels, mask }, [out, logSumExp], named) => {
    const [b, l, v] = dims(named.logits!);
    sequenceLogProbsImpl(logits!, labels!, mask!, b!, l!, v!, out!, logSumExp!);
  },
};

export const sequenceLogProbsGradJs: JsKernel = {
  kernelName: SteerableSequenceLogProbsGrad,
  inputNames: ['dy', 'logits', 'labels', 'mask', 'logSumExp'],
  outputs: ({ logits }) => [{ shape: dims(logits!), dtype: 'float32' }],
  compute: ({ dy, logits, labels, mask, logSumExp }, [out], named) => {
    const [b, l, v] = dims(named.logits!);
    sequenceLogProbsGradImpl(dy!, logits!, labels!, mask!, logSumExp!, b!, l!, v!, out!);
  },
};

export const pairwiseLossJs: JsKernel = {
  kernelName: SteerablePairwiseLoss,
  inputNames: ['chosen', 'rejected'],
  outputs: () => [{ shape: [], dtype: 'float32' }],
  compute: ({ chosen, rejected }, [out], _named, attrs) => {
    out![0] = pairwiseLossImpl(chosen!, rejected!, attrs.scale as number);
  },
};

export const pairwiseLossGradJs: JsKernel = {
  kernelName: SteerablePairwiseLossGrad,
  inputNames: ['dy', 'chosen', 'rejected'],
  outputs: ({ chosen }) => [{ shape: dims(chosen!), dtype: 'float32' }],
  compute: ({ dy, chosen, rejected }, [out], _named, attrs) => {
    pairwiseLossGradImpl(dy![0]!, chosen!, rejected!, attrs.scale as number, out!);
  },
};

export const setAttentionPoolJs: JsKernel = {
  kernelName: SteerableSetAttentionPool,
  inputNames: ['q', 'k', 'v', 'weightsMask'],
  outputs: ({ q }) => {
    const [g, , d] = dims(q!);
    return [{ shape: [g!, d!], dtype: 'float32' }];
  },
  compute: ({ q, k, v, weightsMask }, [out], named) => {
    const [g, n, d] = dims(named.q!);
    setAttentionPoolImpl(q!, k!, v!, weightsMask!, g!, n!, d!, out!);
  },
};

export const setAttentionPoolGradJs: JsKernel = {
  kernelName: SteerableSetAttentionPoolGrad,
  inputNames: ['dy', 'q', 'k', 'v', 'weightsMask'],
  outputs: ({ q }) => [0, 1, 2].map(() => ({ shape: dims(q!), dtype: 'float32' as const })),
  compute: ({ dy, q, k, v, weightsMask }, [dq, dk, dv], named) => {
    const [g, n, d] = dims(named.q!);
    setAttentionPoolGradImpl(dy!, q!, k!, v!, weightsMask!, g!, n!, d!, dq!, dk!, dv!);
  },
};

export const JS_KERNELS: readonly JsKernel[] = [
  sequenceLogProbsJs,
  sequenceLogProbsGradJs,
  pairwiseLossJs,
  pairwiseLossGradJs,
  setAttentionPoolJs,
  setAttentionPoolGradJs,
];
