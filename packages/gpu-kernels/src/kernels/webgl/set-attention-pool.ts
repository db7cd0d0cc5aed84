import { SteerableSetAttentionPool, SteerableSetAttentionPoolGrad } from '../../kernel-names.js';
import { defineKernel, input } from '../kernel-config.js';
import { glFloat, type WebGlBackend } from './webgl-program.js';

/**
 * GLSL for the set attention pooling: each fragment recomputes the softmax rows it needs (the set
 * is small). `weights(g, i, row)` fills row i of P = softmax(q_i K^T / sqrt(d)) for group g.
 */
function helpers(n: number, d: number, withScoreGrads: boolean): string {
  const base = `
    float score(int g, int i, int j) {
      float s = 0.0;
      for (int c = 0; c < ${d}; c++) { s += getQ(g, i, c) * getK(g, j, c); }
      return s * ${glFloat(1 / Math.sqrt(d))};
    }
    void weights(int g, int i, out float row[${n}]) {
      float m = -3.402823e38;
      for (int j = 0; j < ${n}; j++) { row[j] = score(g, i, j); m = max(m, row[j]); }
      float s = 0.0;
      for (int j = 0; j < ${n}; j++) { row[j] = exp(row[j] - m); s += row[j]; }
      for (int j = 0; j < ${n}; j++) { row[j] = row[j] / s; }
    }`;
  if (!withScoreGrads) return base;
  return `${base}
    float vDotDy(int g, int j) {
      float s = 0.0;
      for (int c = 0; c < ${d}; c++) { s += getV(g, j, c) * getDY(g, c); }
      return s;
    }
    // dS_ij for row i: P_ij (a_j M_ij - sum_j' P_ij' a_j' M_ij'), a_j = v_j . dy.
    void scoreGrads(int g, int i, out float row[${n}]) {
      weights(g, i, row);
      float a[${n}];
      float inner = 0.0;
      for (int j = 0; j < ${n}; j++) { a[j] = vDotDy(g, j) * getW(g, i, j); inner += row[j] * a[j]; }
      for (int j = 0; j < ${n}; j++) { row[j] = row[j] * (a[j] - inner); }
    }`;
}

export const setAttentionPoolWebGlConfig = defineKernel<WebGlBackend>({
  kernelName: SteerableSetAttentionPool,
  backendName: 'webgl',
  kernelFunc: ({ inputs, backend }) => {
    const q = input(inputs, 'q');
    const [g, n, d] = q.shape as [number, number, number];
    return backend.runWebGLProgram(
      {
        variableNames: ['Q', 'K', 'V', 'W'],
        outputShape: [g, d],
        userCode: `${helpers(n, d, false)}
        void main() {
          ivec2 o = getOutputCoords();
          float row[${n}];
          float total = 0.0;
          for (int i = 0; i < ${n}; i++) {
            weights(o.x, i, row);
            for (int j = 0; j < ${n}; j++) { total += row[j] * getW(o.x, i, j) * getV(o.x, j, o.y); }
          }
          setOutput(total);
        }`,
      },
      ['q', 'k', 'v', 'weightsMask'].map((name) => input(inputs, name)),
      'float32',
    );
  },
});

/** dq, dk, dv: three programs, one fragment per output element each. */
export const setAttentionPoolGradWebGlConfig = defineKernel<WebGlBackend>({
  kernelName: SteerableSetAttentionPoolGrad,
  backendName: 'webgl',
  kernelFunc: ({ inputs, backend }) => {
    const q = input(inputs, 'q');
    const [g, n, d] = q.shape as [number, number, number];
    const ins = ['dy', 'q', 'k', 'v', 'weightsMask'].map((name) => input(inputs, name));
    const variableNames = ['DY', 'Q', 'K', 'V', 'W'];
    const run = (body: string, withScoreGrads: boolean) =>
      backend.runWebGLProgram(
        {
          variableNames,
          outputShape: [g, n, d],
          userCode: `${helpers(n, d, withScoreGrads)}
          void main() {
            ivec3 o = getOutputCoords();
            float row[${n}];
            ${body}
          }`,
        },
        ins,
        'float32',
      );
    const scale = glFloat(1 / Math.sqrt(d));
    const dq = run(
      `
            scoreGrads(o.x, o.y, row);
            float s = 0.0;
            for (int j = 0; j < ${n}; j++) { s += row[j] * getK(o.x, j, o.z); }
            setOutput(s * ${scale});`,
      true,
    );
    // Arrays take only loop indices in GLSL ES 1.0, so column o.y of a row is picked by comparison.
    const dk = run(
      `
            float s = 0.0;
            for (int i = 0; i < ${n}; i++) {
              scoreGrads(o.x, i, row);
              for (int j = 0; j < ${n}; j++) { if (j == o.y) { s += row[j] * getQ(o.x, i, o.z); } }
            }
            setOutput(s * ${scale});`,
      true,
    );
    const dv = run(
      `
            float w = 0.0;
            for (int i = 0; i < ${n}; i++) {
              weights(o.x, i, row);
              for (int j = 0; j < ${n}; j++) { if (j == o.y) { w += row[j] * getW(o.x, i, j); } }
            }
            setOutput(w * getDY(o.x, o.z));`,
      false,
    );
    return [dq, dk, dv];
  },
});

export const setAttentionPoolWebGlConfigs = [setAttentionPoolWebGlConfig, setAttentionPoolGradWebGlConfig];
