import type { TypedArray } from '../backend-types.js';
import { expNonPositive } from './fast-exp.js';

/**
 * One pass per unmasked row for max and sum(exp) (accumulated in float64), written straight into
 * the [B] result: no [B, L, V] intermediate. Rows with mask 0 are skipped (padding labels may be
 * anything there) and get logSumExp 0. An unmasked label outside [0, V) gives NaN, loudly.
 */
export function sequenceLogProbsImpl(
  logits: TypedArray, labels: TypedArray, mask: TypedArray,
  batch: number, length: number, vocab: number,
  out: TypedArray, logSumExp: TypedArray,
): void {
  for (let b = 0; b < batch; b++) {
    let total = 0;
    for (let l = 0; l < length; l++) {
      const row = b * length + l;
      const weight = mask[row]!;
      if (weight === 0) {
        logSumExp[row] = 0;
        continue;
      }
      const base = row * vocab;
      let max = -Infinity;
      for (let v = 0; v < vocab; v++) {
        const x = logits[base + v]!;
        if (x > max) max = x;
      }
      let sum = 0;
      for (let v = 0; v < vocab; v++) sum += expNonPositive(logits[base + v]! - max);
      const lse = max + Math.log(sum);
      logSumExp[row] = lse;
      const label = labels[row]!;
      const picked = label >= 0 && label < vocab ? logits[base + label]! : Number.NaN;
      total += weight * (picked - lse);
    }
    out[b] = total;
  }
}

/** dLogits = dy[b] * mask * (onehot(label) - exp(x - lse)), written in one pass per row. */
export function sequenceLogProbsGradImpl(
  dy: TypedArray, logits: TypedArray, labels: TypedArray, mask: TypedArray, logSumExp: TypedArray,
  batch: number, length: number, vocab: number,
  out: TypedArray,
): void {
  for (let b = 0; b < batch; b++) {
    const upstream = dy[b]!;
    for (let l = 0; l < length; l++) {
      const row = b * length + l;
      const base = row * vocab;
      const weight = upstream * mask[row]!;
      if (weight === 0) {
        out.fill(0, base, base + vocab);
        continue;
      }
      const lse = logSumExp[row]!;
      for (let v = 0; v < vocab; v++) out[base + v] = -weight * expNonPositive(logits[base + v]! - lse);
      const label = labels[row]!;
      if (label >= 0 && label < vocab) out[base + label]! += weight;
    }
  }
}
