import { PARAM_COUNT, ROW_JOB, type RowJob, type RowPointers, type RowPool, runRows, writeJob } from './sequence-log-probs-pool.js';
import type { SequenceLogProbsRowKernels, WasmMemory } from './sequence-log-probs-simd.js';

/** The SIMD row kernels over one heap, and the helper threads sharing it (null: this thread only). */
export interface RowRunner {
  kernels: SequenceLogProbsRowKernels;
  memory: WasmMemory;
  pool: RowPool | null;
}

const singleThreadParams = new Float64Array(PARAM_COUNT);

function runJob(runner: RowRunner, job: RowJob, pointers: RowPointers, rows: number, vocab: number, length: number): void {
  if (runner.pool) {
    runner.pool.run(runner.kernels, job, pointers, rows, vocab, length);
    return;
  }
  writeJob(singleThreadParams, job, pointers, rows, vocab, length, Math.max(rows, 1));
  runRows(runner.kernels, new Float32Array(runner.memory.buffer), singleThreadParams, 0, rows);
}

/**
 * sequenceLogProbsImpl (kernels/shared) with each row's logSumExp from the SIMD row kernels. The
 * arrays must be views of the runner's heap: their byteOffsets are the kernels' pointers.
 */
export function sequenceLogProbsSimd(
  runner: RowRunner,
  logits: Float32Array, labels: Int32Array, mask: Float32Array,
  batch: number, length: number, vocab: number,
  out: Float32Array, logSumExp: Float32Array,
): void {
  const pointers = { logits: logits.byteOffset, mask: mask.byteOffset, dy: 0, logSumExp: logSumExp.byteOffset, dLogits: 0 };
  runJob(runner, ROW_JOB.logSumExp, pointers, batch * length, vocab, length);
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

/** dLogits = dy[b] * mask * (onehot(label) - exp(x - lse)), like sequenceLogProbsGradImpl. */
export function sequenceLogProbsGradSimd(
  runner: RowRunner,
  dy: Float32Array, logits: Float32Array, labels: Int32Array, mask: Float32Array, logSumExp: Float32Array,
  batch: number, length: number, vocab: number,
  dLogits: Float32Array,
): void {
  const pointers = { logits: logits.byteOffset, mask: mask.byteOffset, dy: dy.byteOffset, logSumExp: logSumExp.byteOffset, dLogits: dLogits.byteOffset };
  runJob(runner, ROW_JOB.scaledExp, pointers, batch * length, vocab, length);
  for (let row = 0; row < batch * length; row++) {
    const weight = dy[Math.floor(row / length)]! * mask[row]!;
    const label = labels[row]!;
    if (weight !== 0 && label >= 0 && label < vocab) dLogits[row * vocab + label]! += weight;
  }
}
