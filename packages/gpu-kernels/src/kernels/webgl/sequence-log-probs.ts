import { SteerableSequenceLogProbs, SteerableSequenceLogProbsGrad } from '../../kernel-names.js';
import { defineKernel, input } from '../kernel-config.js';
import { ROUND_TO_INT, type WebGlBackend } from './webgl-program.js';

/**
 * logsumexp per unmasked row [B, L], then the masked sum per sequence [B]. An unmasked label
 * outside [0, V) reads 0 here (GLSL ES 1.0 has no portable NaN); cpu, wasm and webgpu give NaN.
 */
export const sequenceLogProbsWebGlConfig = defineKernel<WebGlBackend>({
  kernelName: SteerableSequenceLogProbs,
  backendName: 'webgl',
  kernelFunc: ({ inputs, backend }) => {
    const logits = input(inputs, 'logits');
    const labels = input(inputs, 'labels');
    const mask = input(inputs, 'mask');
    const [b, l, v] = logits.shape as [number, number, number];
    const logSumExp = backend.runWebGLProgram(
      {
        variableNames: ['X', 'M'],
        outputShape: [b, l],
        userCode: `
        void main() {
          ivec2 c = getOutputCoords();
          if (getM(c.x, c.y) == 0.0) { setOutput(0.0); return; }
          float m = -3.402823e38;
          for (int j = 0; j < ${v}; j++) { m = max(m, getX(c.x, c.y, j)); }
          float s = 0.0;
          for (int j = 0; j < ${v}; j++) { s += exp(getX(c.x, c.y, j) - m); }
          setOutput(m + log(s));
        }`,
      },
      [logits, mask],
      'float32',
    );
    const out = backend.runWebGLProgram(
      {
        variableNames: ['X', 'Y', 'M', 'S'],
        outputShape: [b],
        userCode: `
        ${ROUND_TO_INT}
        void main() {
          int bi = getOutputCoords();
          float total = 0.0;
          for (int t = 0; t < ${l}; t++) {
            float w = getM(bi, t);
            if (w != 0.0) {
              int label = roundToInt(getY(bi, t));
              float picked = 0.0;
              for (int j = 0; j < ${v}; j++) { if (j == label) { picked = getX(bi, t, j); } }
              total += w * (picked - getS(bi, t));
            }
          }
          setOutput(total);
        }`,
      },
      [logits, labels, mask, logSumExp],
      'float32',
    );
    return [out, logSumExp];
  },
});

/** One fragment per logit: dy[b] * mask * (onehot - exp(x - lse)). */
export const sequenceLogProbsGradWebGlConfig = defineKernel<WebGlBackend>({
  kernelName: SteerableSequenceLogProbsGrad,
  backendName: 'webgl',
  kernelFunc: ({ inputs, backend }) => {
    const logits = input(inputs, 'logits');
    return backend.runWebGLProgram(
      {
        variableNames: ['DY', 'X', 'Y', 'M', 'S'],
        outputShape: logits.shape,
        userCode: `
        ${ROUND_TO_INT}
        void main() {
          ivec3 c = getOutputCoords();
          float w = getDY(c.x) * getM(c.x, c.y);
          if (w == 0.0) { setOutput(0.0); return; }
          float hit = c.z == roundToInt(getY(c.x, c.y)) ? 1.0 : 0.0;
          setOutput(w * (hit - exp(getX(c.x, c.y, c.z) - getS(c.x, c.y))));
        }`,
      },
      ['dy', 'logits', 'labels', 'mask', 'logSumExp'].map((name) => input(inputs, name)),
      'float32',
    );
  },
});

export const sequenceLogProbsWebGlConfigs = [sequenceLogProbsWebGlConfig, sequenceLogProbsGradWebGlConfig];
