import type * as tf from '@tensorflow/tfjs';
import { cpuKernel, type JsKernel } from '../shared/js-kernel.js';
import { JS_KERNELS, sequenceLogProbsGradJs, sequenceLogProbsJs } from '../shared/js-kernels.js';
import { StagedRowKernels, sequenceLogProbsGradStaged, sequenceLogProbsStaged } from '../shared/sequence-log-probs-staged.js';

let staged: StagedRowKernels | null | undefined;
/** Created on first use; null (the JS loops run) where the engine lacks wasm SIMD. */
function stagedKernels(): StagedRowKernels | null {
  if (staged === undefined) staged = StagedRowKernels.create();
  return staged;
}

const dims = (info: tf.TensorInfo) => info.shape as [number, number, number];

/** The sequence log-probabilities through the SIMD row kernels, rows staged into wasm memory. */
const sequenceLogProbsStagedJs: JsKernel = {
  ...sequenceLogProbsJs,
  compute: (views, outputs, named, attrs) => {
    const kernels = stagedKernels();
    if (!kernels) return sequenceLogProbsJs.compute(views, outputs, named, attrs);
    const [b, l, v] = dims(named.logits!);
    sequenceLogProbsStaged(kernels, views.logits!, views.labels!, views.mask!, b, l, v, outputs[0]!, outputs[1]!);
  },
};

const sequenceLogProbsGradStagedJs: JsKernel = {
  ...sequenceLogProbsGradJs,
  compute: (views, outputs, named, attrs) => {
    const kernels = stagedKernels();
    if (!kernels) return sequenceLogProbsGradJs.compute(views, outputs, named, attrs);
    const [b, l, v] = dims(named.logits!);
    sequenceLogProbsGradStaged(kernels, views.dy!, views.logits!, views.labels!, views.mask!, views.logSumExp!, b, l, v, outputs[0]!);
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
