import { PARAM_COUNT, ROW_JOB, type RowJob, type RowPointers, type RowPool, runRowChunk, writeJob } from './sequence-log-probs-pool.js';
import type { SequenceLogProbsRowKernels } from './sequence-log-probs-simd.js';
import type { WasmMemory } from './simd-module.js';
import { addLabelGradients, sumPickedLogProbs } from '../shared/sequence-log-probs-impl.js';

/** The SIMD row kernels over one heap, and the helper threads sharing it (null: this thread only). */
export interface RowRunner {
  kernels: SequenceLogProbsRowKernels;
  memory: WasmMemory;
  pool: RowPool | null;
}

const singleThreadParams = new Float64Array(PARAM_COUNT);

function runJob(runner: RowRunner, job: RowJob, pointers: RowPointers, rows: number, vocab: number, length: number): void {
  if (runner.pool) {
    runner.pool.run(job, pointers, rows, vocab, length);
    return;
  }
  writeJob(singleThreadParams, job, pointers, rows, vocab, length, Math.max(rows, 1));
  runRowChunk(runner.kernels, new Float32Array(runner.memory.buffer), singleThreadParams, 0);
}

/**
 * sequenceLogProbsImpl (kernels/shared) with each row's logSumExp from the SIMD row kernels. The
 * arrays must be views of the runner's heap: their byteOffsets are the kernels' pointers.
 */
export function sequenceLogProbsSimd(
  runner: RowRunner,
  logits: Float32Array,
  labels: Int32Array,
  mask: Float32Array,
  batch: number,
  length: number,
  vocab: number,
  out: Float32Array,
  logSumExp: Float32Array,
): void {
  const pointers = { logits: logits.byteOffset, mask: mask.byteOffset, dy: 0, logSumExp: logSumExp.byteOffset, dLogits: 0 };
  runJob(runner, ROW_JOB.logSumExp, pointers, batch * length, vocab, length);
  sumPickedLogProbs(logits, labels, mask, logSumExp, batch, length, vocab, out);
}

/** dLogits = dy[b] * mask * (onehot(label) - exp(x - lse)), like sequenceLogProbsGradImpl. */
export function sequenceLogProbsGradSimd(
  runner: RowRunner,
  dy: Float32Array,
  logits: Float32Array,
  labels: Int32Array,
  mask: Float32Array,
  logSumExp: Float32Array,
  batch: number,
  length: number,
  vocab: number,
  dLogits: Float32Array,
): void {
  const pointers = { logits: logits.byteOffset, mask: mask.byteOffset, dy: dy.byteOffset, logSumExp: logSumExp.byteOffset, dLogits: dLogits.byteOffset };
  runJob(runner, ROW_JOB.scaledExp, pointers, batch * length, vocab, length);
  addLabelGradients(dy, labels, mask, batch, length, vocab, dLogits);
}
