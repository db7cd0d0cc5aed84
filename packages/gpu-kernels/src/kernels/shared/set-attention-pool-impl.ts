import type { TypedArray } from '../backend-types.js';

/**
 * For each group g: P = softmax(Q K^T / sqrt(d)) * M (row softmax, then the dropout mask),
 * w_j = sum_i P_ij, out = sum_j w_j v_j. P is n x n per group (the set is small: k <= 10 context
 * pairs), held in a scratch buffer that is reused across groups.
 */
function attentionWeights(q: TypedArray, k: TypedArray, g: number, n: number, d: number, probs: Float64Array): void {
  const scale = 1 / Math.sqrt(d);
  const qkBase = g * n * d;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += q[qkBase + i * d + c]! * k[qkBase + j * d + c]!;
      const s = dot * scale;
      probs[i * n + j] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.exp(probs[i * n + j]! - max);
      probs[i * n + j] = e;
      sum += e;
    }
    for (let j = 0; j < n; j++) probs[i * n + j] = probs[i * n + j]! / sum;
  }
}

export function setAttentionPoolImpl(q: TypedArray, k: TypedArray, v: TypedArray, mask: TypedArray, groups: number, n: number, d: number, out: TypedArray): void {
  const probs = new Float64Array(n * n);
  out.fill(0);
  for (let g = 0; g < groups; g++) {
    attentionWeights(q, k, g, n, d, probs);
    const base = g * n * d;
    const maskBase = g * n * n;
    for (let j = 0; j < n; j++) {
      let w = 0;
      for (let i = 0; i < n; i++) w += probs[i * n + j]! * mask[maskBase + i * n + j]!;
      for (let c = 0; c < d; c++) out[g * d + c]! += w * v[base + j * d + c]!;
    }
  }
}

/**
 * Backward: dv_j = w_j dy; dP'_ij = (v_j . dy) M_ij; dS_ij = P_ij (dP'_ij - sum_j' P_ij' dP'_ij');
 * dq_i = scale sum_j dS_ij k_j; dk_j = scale sum_i dS_ij q_i.
 */
export function setAttentionPoolGradImpl(
  dy: TypedArray, q: TypedArray, k: TypedArray, v: TypedArray, mask: TypedArray,
  groups: number, n: number, d: number,
  dq: TypedArray, dk: TypedArray, dv: TypedArray,
): void {
  const probs = new Float64Array(n * n);
  const vDotDy = new Float64Array(n);
  const dScores = new Float64Array(n * n);
  const scale = 1 / Math.sqrt(d);
  dq.fill(0);
  dk.fill(0);
  for (let g = 0; g < groups; g++) {
    attentionWeights(q, k, g, n, d, probs);
    const base = g * n * d;
    const maskBase = g * n * n;
    for (let j = 0; j < n; j++) {
      let w = 0;
      for (let i = 0; i < n; i++) w += probs[i * n + j]! * mask[maskBase + i * n + j]!;
      let dot = 0;
      for (let c = 0; c < d; c++) {
        dv[base + j * d + c] = w * dy[g * d + c]!;
        dot += v[base + j * d + c]! * dy[g * d + c]!;
      }
      vDotDy[j] = dot;
    }
    for (let i = 0; i < n; i++) {
      let inner = 0;
      for (let j = 0; j < n; j++) inner += probs[i * n + j]! * vDotDy[j]! * mask[maskBase + i * n + j]!;
      for (let j = 0; j < n; j++) dScores[i * n + j] = probs[i * n + j]! * (vDotDy[j]! * mask[maskBase + i * n + j]! - inner);
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const s = dScores[i * n + j]! * scale;
        if (s === 0) continue;
        for (let c = 0; c < d; c++) {
          dq[base + i * d + c]! += s * k[base + j * d + c]!;
          dk[base + j * d + c]! += s * q[base + i * d + c]!;
        }
      }
    }
  }
}
