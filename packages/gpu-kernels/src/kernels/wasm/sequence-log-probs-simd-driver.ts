import type { SequenceLogProbsRowKernels } from './sequence-log-probs-simd.js';

/**
 * sequenceLogProbsImpl (kernels/shared) over the SIMD row kernels: the same rows, masks and
 * labels logic, with the per-row max, sum(exp) and gradient loops in wasm. `logits` and `dLogits`
 * must be views of the memory the kernels were instantiated on; their byteOffsets are the pointers.
 */
export function sequenceLogProbsSimd(
  kernels: SequenceLogProbsRowKernels,
  logits: Float32Array, labels: Int32Array, mask: Float32Array,
  batch: number, length: number, vocab: number,
  out: Float32Array, logSumExp: Float32Array,
): void {
  const rowBytes = vocab * 4;
  for (let b = 0; b < batch; b++) {
    let total = 0;
    for (let l = 0; l < length; l++) {
      const row = b * length + l;
      const weight = mask[row]!;
      if (weight === 0) {
        logSumExp[row] = 0;
        continue;
      }
      const ptr = logits.byteOffset + row * rowBytes;
      const max = kernels.rowMax(ptr, vocab);
      const lse = max + Math.log(kernels.rowSumExp(ptr, vocab, max));
      logSumExp[row] = lse;
      const label = labels[row]!;
      const picked = label >= 0 && label < vocab ? logits[row * vocab + label]! : Number.NaN;
      total += weight * (picked - lse);
    }
    out[b] = total;
  }
}

/** dLogits = dy[b] * mask * (onehot(label) - exp(x - lse)), like sequenceLogProbsGradImpl. */
export function sequenceLogProbsGradSimd(
  kernels: SequenceLogProbsRowKernels,
  dy: Float32Array, logits: Float32Array, labels: Int32Array, mask: Float32Array, logSumExp: Float32Array,
  batch: number, length: number, vocab: number,
  dLogits: Float32Array,
): void {
  const rowBytes = vocab * 4;
  for (let b = 0; b < batch; b++) {
    const upstream = dy[b]!;
    for (let l = 0; l < length; l++) {
      const row = b * length + l;
      const base = row * vocab;
      const weight = upstream * mask[row]!;
      if (weight === 0) {
        dLogits.fill(0, base, base + vocab);
        continue;
      }
      kernels.rowScaledExp(logits.byteOffset + row * rowBytes, dLogits.byteOffset + row * rowBytes, vocab, logSumExp[row]!, -weight);
      const label = labels[row]!;
      if (label >= 0 && label < vocab) dLogits[base + label]! += weight;
    }
  }
}
