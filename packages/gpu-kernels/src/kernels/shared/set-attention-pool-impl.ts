import type { TypedArray } from '../backend-types.js';

/**
 * x[xAt..xAt+d) . y[yAt..yAt+d) in four partial sums: one running sum would make every product
 * wait for the previous add.
 */
function dotProduct(x: TypedArray, xAt: number, y: TypedArray, yAt: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let c = 0;
  for (; c + 3 < d; c += 4) {
    s0 += x[xAt + c]! * y[yAt + c]!;
    s1 += x[xAt + c + 1]! * y[yAt + c + 1]!;
    s2 += x[xAt + c + 2]! * y[yAt + c + 2]!;
    s3 += x[xAt + c + 3]! * y[yAt + c + 3]!;
  }
  for (; c < d; c++) s0 += x[xAt + c]! * y[yAt + c]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * For the group whose q and k rows start at `base`: P = softmax(Q K^T / sqrt(d)) row by row, into
 * `probs` (n x n, reused across groups: the set is small, k <= 10 context pairs).
 */
function attentionWeights(q: TypedArray, k: TypedArray, base: number, n: number, d: number, scale: number, probs: Float64Array): void {
  for (let i = 0, qRow = base; i < n; i++, qRow += d) {
    const pRow = i * n;
    let max = -Infinity;
    for (let j = 0, kRow = base; j < n; j++, kRow += d) {
      const s = dotProduct(q, qRow, k, kRow, d) * scale;
      probs[pRow + j] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let j = pRow; j < pRow + n; j++) {
      const e = Math.exp(probs[j]! - max);
      probs[j] = e;
      sum += e;
    }
    for (let j = pRow; j < pRow + n; j++) probs[j] = probs[j]! / sum;
  }
}

/** w_j = sum_i P_ij M_ij (M's rows for the group start at maskBase). */
function poolWeight(probs: Float64Array, mask: TypedArray, maskBase: number, n: number, j: number): number {
  let w = 0;
  for (let i = 0, at = j; i < n; i++, at += n) w += probs[at]! * mask[maskBase + at]!;
  return w;
}

/**
 * For each group g: P = softmax(Q K^T / sqrt(d)) * M (row softmax, then the dropout mask),
 * w_j = sum_i P_ij, out = sum_j w_j v_j.
 */
export function setAttentionPoolImpl(
  q: TypedArray,
  k: TypedArray,
  v: TypedArray,
  mask: TypedArray,
  groups: number,
  n: number,
  d: number,
  out: TypedArray,
): void {
  const probs = new Float64Array(n * n);
  const pooled = new Float64Array(d);
  const scale = 1 / Math.sqrt(d);
  for (let g = 0; g < groups; g++) {
    const base = g * n * d;
    attentionWeights(q, k, base, n, d, scale, probs);
    pooled.fill(0);
    for (let j = 0, vRow = base; j < n; j++, vRow += d) {
      const w = poolWeight(probs, mask, g * n * n, n, j);
      for (let c = 0; c < d; c++) pooled[c]! += w * v[vRow + c]!;
    }
    // Element by element: TypedArray.set from a Float64Array into a Float32Array leaves the JIT.
    for (let c = 0, at = g * d; c < d; c++) out[at + c] = pooled[c]!;
  }
}

/**
 * Backward: dv_j = w_j dy; a_j = v_j . dy; dS_ij = P_ij (a_j M_ij - sum_j' P_ij' a_j' M_ij');
 * dq_i = scale sum_j dS_ij k_j; dk_j = scale sum_i dS_ij q_i.
 */
export function setAttentionPoolGradImpl(
  dy: TypedArray,
  q: TypedArray,
  k: TypedArray,
  v: TypedArray,
  mask: TypedArray,
  groups: number,
  n: number,
  d: number,
  dq: TypedArray,
  dk: TypedArray,
  dv: TypedArray,
): void {
  const probs = new Float64Array(n * n);
  const vDotDy = new Float64Array(n);
  const dScores = new Float64Array(n * n);
  const scale = 1 / Math.sqrt(d);
  for (let g = 0; g < groups; g++) {
    const base = g * n * d;
    const maskBase = g * n * n;
    const dyRow = g * d;
    attentionWeights(q, k, base, n, d, scale, probs);
    for (let j = 0, vRow = base; j < n; j++, vRow += d) {
      const w = poolWeight(probs, mask, maskBase, n, j);
      for (let c = 0; c < d; c++) dv[vRow + c] = w * dy[dyRow + c]!;
      vDotDy[j] = dotProduct(v, vRow, dy, dyRow, d);
    }
    for (let pRow = 0; pRow < n * n; pRow += n) {
      let inner = 0;
      for (let j = 0; j < n; j++) inner += probs[pRow + j]! * vDotDy[j]! * mask[maskBase + pRow + j]!;
      for (let j = 0; j < n; j++) dScores[pRow + j] = probs[pRow + j]! * (vDotDy[j]! * mask[maskBase + pRow + j]! - inner) * scale;
    }
    // Each element of dq and dk summed in a register and written once, rather than n updates of
    // a float32 in memory.
    for (let i = 0, row = base; i < n; i++, row += d) {
      for (let c = 0; c < d; c++) {
        let dqSum = 0;
        let dkSum = 0;
        for (let j = 0, at = base + c; j < n; j++, at += d) {
          dqSum += dScores[i * n + j]! * k[at]!;
          dkSum += dScores[j * n + i]! * q[at]!;
        }
        dq[row + c] = dqSum;
        dk[row + c] = dkSum;
      }
    }
  }
}
