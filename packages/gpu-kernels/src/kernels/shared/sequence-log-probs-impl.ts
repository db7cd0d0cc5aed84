import type { TypedArray } from '../backend-types.js';
import { expNonPositive } from './fast-exp.js';

/** How one row of logits gets its softmax pieces: plain JS loops, or the SIMD module (staged). */
export interface RowSoftmax {
  /** log(sum(exp(logits[start, start + vocab)))). */
  logSumExp(logits: TypedArray, start: number, vocab: number): number;
  /** out[start + i] = scale * exp(logits[start + i] - shift) for i < vocab. */
  scaledExp(logits: TypedArray, out: TypedArray, start: number, vocab: number, shift: number, scale: number): void;
}

/** max and sum(exp) in float64, one pass each; the fallback wherever wasm SIMD is unavailable. */
export const jsRowSoftmax: RowSoftmax = {
  logSumExp(logits, start, vocab) {
    let max = -Infinity;
    for (let v = start; v < start + vocab; v++) {
      const x = logits[v]!;
      if (x > max) max = x;
    }
    let sum = 0;
    for (let v = start; v < start + vocab; v++) sum += expNonPositive(logits[v]! - max);
    return max + Math.log(sum);
  },
  scaledExp(logits, out, start, vocab, shift, scale) {
    for (let v = start; v < start + vocab; v++) out[v] = scale * expNonPositive(logits[v]! - shift);
  },
};

/**
 * out[b] = sum over unmasked rows of mask * (logits[row, label] - logSumExp[row]). An unmasked
 * label outside [0, V) gives NaN, loudly; masked rows are skipped (padding labels may be anything).
 */
export function sumPickedLogProbs(
  logits: TypedArray,
  labels: TypedArray,
  mask: TypedArray,
  logSumExp: TypedArray,
  batch: number,
  length: number,
  vocab: number,
  out: TypedArray,
): void {
  for (let b = 0; b < batch; b++) {
    let total = 0;
    for (let l = 0; l < length; l++) {
      const row = b * length + l;
      const weight = mask[row]!;
      if (weight === 0) continue;
      const label = labels[row]!;
      const picked = label >= 0 && label < vocab ? logits[row * vocab + label]! : Number.NaN;
      total += weight * (picked - logSumExp[row]!);
    }
    out[b] = total;
  }
}

/** dLogits[row, label] += dy[b] * mask[row]: the one-hot half of the gradient. */
export function addLabelGradients(
  dy: TypedArray,
  labels: TypedArray,
  mask: TypedArray,
  batch: number,
  length: number,
  vocab: number,
  dLogits: TypedArray,
): void {
  for (let row = 0; row < batch * length; row++) {
    const weight = dy[Math.floor(row / length)]! * mask[row]!;
    const label = labels[row]!;
    if (weight !== 0 && label >= 0 && label < vocab) dLogits[row * vocab + label]! += weight;
  }
}

/**
 * The per-sequence log-probability straight into the [B] result: no [B, L, V] intermediate. Rows
 * with mask 0 are skipped and get logSumExp 0.
 */
export function sequenceLogProbsImpl(
  logits: TypedArray,
  labels: TypedArray,
  mask: TypedArray,
  batch: number,
  length: number,
  vocab: number,
  out: TypedArray,
  logSumExp: TypedArray,
  rows: RowSoftmax = jsRowSoftmax,
): void {
  for (let row = 0; row < batch * length; row++) {
    logSumExp[row] = mask[row] === 0 ? 0 : rows.logSumExp(logits, row * vocab, vocab);
  }
  sumPickedLogProbs(logits, labels, mask, logSumExp, batch, length, vocab, out);
}

/** dLogits = dy[b] * mask * (onehot(label) - exp(x - lse)), one pass per row. */
export function sequenceLogProbsGradImpl(
  dy: TypedArray,
  logits: TypedArray,
  labels: TypedArray,
  mask: TypedArray,
  logSumExp: TypedArray,
  batch: number,
  length: number,
  vocab: number,
  out: TypedArray,
  rows: RowSoftmax = jsRowSoftmax,
): void {
  for (let row = 0; row < batch * length; row++) {
    const base = row * vocab;
    const weight = dy[Math.floor(row / length)]! * mask[row]!;
    if (weight === 0) out.fill(0, base, base + vocab);
    else rows.scaledExp(logits, out, base, vocab, logSumExp[row]!, -weight);
  }
  addLabelGradients(dy, labels, mask, batch, length, vocab, out);
}
