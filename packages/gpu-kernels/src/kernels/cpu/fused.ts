import type * as tf from '@tensorflow/tfjs';
import { cpuKernel, type JsKernel } from '../shared/js-kernel.js';
import { JS_KERNELS, sequenceLogProbsGradJs, sequenceLogProbsJs } from '../shared/js-kernels.js';
import { jsRowSoftmax, type RowSoftmax, sequenceLogProbsGradImpl, sequenceLogProbsImpl } from '../shared/sequence-log-probs-impl.js';
import { StagedRowKernels } from '../shared/sequence-log-probs-staged.js';

let staged: RowSoftmax | undefined;
/** Created on first use; the JS loops where the engine lacks wasm SIMD. */
function rowSoftmax(): RowSoftmax {
  staged ??= StagedRowKernels.create() ?? jsRowSoftmax;
  return staged;
}

const dims = (info: tf.TensorInfo) => info.shape as [number, number, number];

/** The sequence log-probabilities through the SIMD row kernels, rows staged into wasm memory. */
const sequenceLogProbsStagedJs: JsKernel = {
  ...sequenceLogProbsJs,
  compute: (views, outputs, named) => {
    const [b, l, v] = dims(named.logits!);
    sequenceLogProbsImpl(views.logits!, views.labels!, views.mask!, b, l, v, outputs[0]!, outputs[1]!, rowSoftmax());
  },
};

const sequenceLogProbsGradStagedJs: JsKernel = {
  ...sequenceLogProbsGradJs,
  compute: (views, outputs, named) => {
    const [b, l, v] = dims(named.logits!);
    sequenceLogProbsGradImpl(views.dy!, views.logits!, views.labels!, views.mask!, views.logSumExp!, b, l, v, outputs[0]!, rowSoftmax());
  },
};

const STAGED = new Map([sequenceLogProbsStagedJs, sequenceLogProbsGradStagedJs].map((k) => [k.kernelName, k]));

/**
 * The fused kernels on tfjs-backend-cpu: the shared JS implementations over backend arrays, except
 * the sequence log-probabilities, whose exp-bound rows go through the wasm SIMD module (copied in
 * and out: the row loops run about 13x faster than in JS at a 50k vocabulary, the whole
 * forward+backward at [8, 256, 50257] about 3x, measured).
 */
export const cpuFusedConfigs = JS_KERNELS.map((k) => cpuKernel(STAGED.get(k.kernelName) ?? k));
