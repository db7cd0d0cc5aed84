import type { TensorInfo } from '@tensorflow/tfjs';
import { SteerableSetAttentionPool, SteerableSetAttentionPoolGrad } from '../../kernel-names.js';
import { defineKernel, input } from '../kernel-config.js';
import { f32, flatProgram, type WebGpuBackend } from './webgpu-program.js';

/**
 * WGSL for the set attention pooling. The set is small (n <= a few dozen context pairs), so each
 * invocation recomputes the softmax rows it needs in private arrays of size n instead of
 * materialising [G, n, n] weights. Helpers: `weights(g, i, row)` fills row i of P = softmax(q_i
 * K^T / sqrt(d)) for group g.
 */
function helpers(n: number, d: number, withScoreGrads: boolean): string {
  const base = `
const N = ${n};
const D = ${d};
const SCALE = ${f32(1 / Math.sqrt(d))};
fn score(g: i32, i: i32, j: i32) -> f32 {
  var s = 0.0;
  for (var c = 0; c < D; c++) { s += Q[(g * N + i) * D + c] * K[(g * N + j) * D + c]; }
  return s * SCALE;
}
fn weights(g: i32, i: i32, row: ptr<function, array<f32, ${n}>>) {
  var m = -3.402823e+38;
  for (var j = 0; j < N; j++) { (*row)[j] = score(g, i, j); m = max(m, (*row)[j]); }
  var s = 0.0;
  for (var j = 0; j < N; j++) { (*row)[j] = exp((*row)[j] - m); s += (*row)[j]; }
  for (var j = 0; j < N; j++) { (*row)[j] = (*row)[j] / s; }
}`;
  if (!withScoreGrads) return base;
  return `${base}
fn vDotDy(g: i32, j: i32) -> f32 {
  var s = 0.0;
  for (var c = 0; c < D; c++) { s += V[(g * N + j) * D + c] * DY[g * D + c]; }
  return s;
}
// dS_ij for row i: P_ij (a_j M_ij - sum_j' P_ij' a_j' M_ij'), a_j = v_j . dy.
fn scoreGrads(g: i32, i: i32, row: ptr<function, array<f32, ${n}>>) {
  weights(g, i, row);
  var a: array<f32, ${n}>;
  var inner = 0.0;
  for (var j = 0; j < N; j++) { a[j] = vDotDy(g, j) * W[(g * N + i) * N + j]; inner += (*row)[j] * a[j]; }
  for (var j = 0; j < N; j++) { (*row)[j] = (*row)[j] * (a[j] - inner); }
}`;
}

export const setAttentionPoolWebGpuConfig = defineKernel<WebGpuBackend>({
  kernelName: SteerableSetAttentionPool,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend }) => {
    const q = input(inputs, 'q');
    const [g, n, d] = q.shape as [number, number, number];
    const program = flatProgram(
      `steerableSetPool_${n}_${d}`,
      [g, d],
      ['Q', 'K', 'V', 'W'],
      `
  let g = index / D;
  let c = index - g * D;
  var row: array<f32, ${n}>;
  var total = 0.0;
  for (var i = 0; i < N; i++) {
    weights(g, i, &row);
    for (var j = 0; j < N; j++) { total += row[j] * W[(g * N + i) * N + j] * V[(g * N + j) * D + c]; }
  }
  setOutputAtIndex(index, total);`,
      helpers(n, d, false),
    );
    return backend.runWebGPUProgram(
      program,
      ['q', 'k', 'v', 'weightsMask'].map((name) => input(inputs, name)),
      'float32',
    );
  },
});

/** Three programs (dq, dk, dv), one invocation per output element each. */
export const setAttentionPoolGradWebGpuConfig = defineKernel<WebGpuBackend>({
  kernelName: SteerableSetAttentionPoolGrad,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend }) => {
    const q = input(inputs, 'q');
    const [g, n, d] = q.shape as [number, number, number];
    const ins = ['dy', 'q', 'k', 'v', 'weightsMask'].map((name) => input(inputs, name));
    const vars = ['DY', 'Q', 'K', 'V', 'W'];
    const prologue = `
  let g = index / (N * D);
  let r = (index / D) % N;
  let c = index % D;
  var row: array<f32, ${n}>;`;
    const dq = flatProgram(
      `steerableSetPoolDq_${n}_${d}`,
      [g, n, d],
      vars,
      `${prologue}
  scoreGrads(g, r, &row);
  var s = 0.0;
  for (var j = 0; j < N; j++) { s += row[j] * K[(g * N + j) * D + c]; }
  setOutputAtIndex(index, s * SCALE);`,
      helpers(n, d, true),
    );
    const dk = flatProgram(
      `steerableSetPoolDk_${n}_${d}`,
      [g, n, d],
      vars,
      `${prologue}
  var s = 0.0;
  for (var i = 0; i < N; i++) {
    scoreGrads(g, i, &row);
    s += row[r] * Q[(g * N + i) * D + c];
  }
  setOutputAtIndex(index, s * SCALE);`,
      helpers(n, d, true),
    );
    const dv = flatProgram(
      `steerableSetPoolDv_${n}_${d}`,
      [g, n, d],
      ['DY', 'Q', 'K', 'W'],
      `${prologue}
  var w = 0.0;
  for (var i = 0; i < N; i++) {
    weights(g, i, &row);
    w += row[r] * W[(g * N + i) * N + r];
  }
  setOutputAtIndex(index, w * DY[g * D + c]);`,
      helpers(n, d, false),
    );
    // tfjs binds every input it is given, and the shader compiler drops unused ones, so each
    // program gets exactly the inputs its shader reads (dv never reads V).
    const [dyIn, qIn, kIn, , wIn] = ins as [TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo];
    return [
      backend.runWebGPUProgram(dq, ins, 'float32'),
      backend.runWebGPUProgram(dk, ins, 'float32'),
      backend.runWebGPUProgram(dv, [dyIn, qIn, kIn, wIn], 'float32'),
    ];
  },
});

export const setAttentionPoolWebGpuConfigs = [setAttentionPoolWebGpuConfig, setAttentionPoolGradWebGpuConfig];
