import * as tf from '@tensorflow/tfjs';
import { SteerableSequenceLogProbs, type SequenceLogProbsInputs } from '../kernel-names.js';
import { hasKernel } from './fallback.js';
import { expectDtype, expectRank, expectShape } from './validate.js';

const OP = 'sequenceLogProbs';

/**
 * Sum over masked positions of log_softmax(logits)[label]: the log-probability of each sequence's
 * response tokens (DPO's log pi(y|x)).
 *
 * ```js
 * const logits = tf.randomNormal([2, 3, 5]);
 * const labels = tf.tensor2d([[1, 2, 0], [4, 4, 4]], [2, 3], 'int32');
 * const mask = tf.tensor2d([[0, 1, 1], [1, 1, 0]]);   // response tokens only
 * sequenceLogProbs(logits, labels, mask).print();       // [2]
 * ```
 * @param logits [B, L, V] float32 scores for the token at each position.
 * @param labels [B, L] int32 token ids; ignored (may be any value, e.g. -100) where mask is 0.
 * @param mask [B, L] float32 weights, normally 1 on response tokens and 0 on prompt and padding.
 * @returns [B] float32.
 */
export function sequenceLogProbs(logits: tf.Tensor, labels: tf.Tensor, mask: tf.Tensor): tf.Tensor1D {
  expectRank(OP, 'logits', logits, 3, '[batch, length, vocab]');
  expectDtype(OP, 'logits', logits, 'float32');
  const [b, l] = logits.shape as [number, number, number];
  expectShape(OP, 'labels', labels, [b, l], '[batch, length]');
  expectDtype(OP, 'labels', labels, 'int32');
  expectShape(OP, 'mask', mask, [b, l], '[batch, length]');
  expectDtype(OP, 'mask', mask, 'float32');
  if (!hasKernel(SteerableSequenceLogProbs, OP)) return sequenceLogProbsComposite(logits, labels, mask);
  const inputs: SequenceLogProbsInputs = { logits, labels, mask };
  const [result, logSumExp] = tf.engine().runKernel(SteerableSequenceLogProbs, inputs as unknown as tf.NamedTensorMap) as tf.Tensor[];
  // The gradient keeps its own reference to logSumExp (outputsToSave); the caller never sees it.
  logSumExp!.dispose();
  return result as tf.Tensor1D;
}

/**
 * The same value from stock tfjs ops: the fallback on backends without the kernel, and the
 * oracle of the parity tests. It materialises log_softmax [B, L, V] (and more in the gradient).
 */
export function sequenceLogProbsComposite(logits: tf.Tensor, labels: tf.Tensor, mask: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const v = logits.shape[2]!;
    // A one-hot product rather than gather: gather's gradient needs UnsortedSegmentSum, which
    // stock wasm lacks, and this fallback must train on every backend. Labels outside [0, V)
    // (e.g. -100 at masked positions) give an all-zero row, and the mask zeroes them anyway.
    // (Built with equal rather than tf.oneHot, which refuses a vocabulary of one.)
    const oneHot = tf.cast(tf.equal(tf.expandDims(labels, -1), tf.range(0, v, 1, 'int32')), 'float32');
    const picked = tf.sum(tf.mul(tf.logSoftmax(logits, -1), oneHot), -1);
    return tf.sum(tf.mul(picked, mask), 1) as tf.Tensor1D;
  });
}
