import { SteerableSequenceLogProbs, SteerableSequenceLogProbsGrad } from '../../kernel-names.js';
import { defineKernel, input } from '../kernel-config.js';
import { flatProgram, type WebGpuBackend } from './webgpu-program.js';

// A run-time NaN: WGSL rejects NaN in constant expressions.
const NAN = 'bitcast<f32>(0x7fc00000u + u32(index - index))';

/** Two programs: logsumexp per unmasked row [B*L], then the masked sum per sequence [B]. */
export const sequenceLogProbsWebGpuConfig = defineKernel<WebGpuBackend>({
  kernelName: SteerableSequenceLogProbs,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend }) => {
    const logits = input(inputs, 'logits');
    const labels = input(inputs, 'labels');
    const mask = input(inputs, 'mask');
    const [b, l, v] = logits.shape as [number, number, number];
    const lseProgram = flatProgram(
      `steerableSeqLse_${v}`,
      [b * l],
      ['X', 'M'],
      `
  if (M[index] == 0.0) { setOutputAtIndex(index, 0.0); return; }
  let base = index * ${v};
  var m = -3.402823e+38;
  for (var j = 0; j < ${v}; j++) { m = max(m, X[base + j]); }
  var s = 0.0;
  for (var j = 0; j < ${v}; j++) { s += exp(X[base + j] - m); }
  setOutputAtIndex(index, m + log(s));`,
    );
    const logSumExp = backend.runWebGPUProgram(lseProgram, [logits, mask], 'float32');
    const sumProgram = flatProgram(
      `steerableSeqSum_${l}_${v}`,
      [b],
      ['X', 'Y', 'M', 'S'],
      `
  var total = 0.0;
  for (var t = 0; t < ${l}; t++) {
    let row = index * ${l} + t;
    let w = M[row];
    if (w != 0.0) {
      let label = Y[row];
      var picked = ${NAN};
      if (label >= 0 && label < ${v}) { picked = X[row * ${v} + label]; }
      total += w * (picked - S[row]);
    }
  }
  setOutputAtIndex(index, total);`,
    );
    const out = backend.runWebGPUProgram(sumProgram, [logits, labels, mask, { ...logSumExp, shape: [b * l] }], 'float32');
    return [out, { ...logSumExp, shape: [b, l] }];
  },
});

/** One invocation per logit: dy[b] * mask * (onehot - exp(x - lse)). */
export const sequenceLogProbsGradWebGpuConfig = defineKernel<WebGpuBackend>({
  kernelName: SteerableSequenceLogProbsGrad,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend }) => {
    const logits = input(inputs, 'logits');
    const [, l, v] = logits.shape as [number, number, number];
    const program = flatProgram(
      `steerableSeqGrad_${l}_${v}`,
      logits.shape,
      ['DY', 'X', 'Y', 'M', 'S'],
      `
  let row = index / ${v};
  let w = DY[row / ${l}] * M[row];
  if (w == 0.0) { setOutputAtIndex(index, 0.0); return; }
  let hit = select(0.0, 1.0, index - row * ${v} == Y[row]);
  setOutputAtIndex(index, w * (hit - exp(X[index] - S[row])));`,
    );
    const names = ['dy', 'logits', 'labels', 'mask', 'logSumExp'];
    return backend.runWebGPUProgram(
      program,
      names.map((n) => input(inputs, n)),
      'float32',
    );
  },
});

export const sequenceLogProbsWebGpuConfigs = [sequenceLogProbsWebGpuConfig, sequenceLogProbsGradWebGpuConfig];
