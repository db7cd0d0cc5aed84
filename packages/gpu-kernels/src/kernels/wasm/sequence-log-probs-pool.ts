import type { SequenceLogProbsRowKernels } from './sequence-log-probs-simd.js';
import { HeapWorkerPool, MAX_CHUNKS } from './heap-worker-pool.js';
import type { CompiledModule, WasmMemory } from './simd-module.js';

/**
 * Splits the rows of the sequence log-probability kernels between the calling thread and helper
 * worker threads (HeapWorkerPool) when tfjs's heap is a shared memory, in chunks of rows.
 */

/**
 * What a job computes for each row; plain numbers, so that they cross to the helpers.
 * logSumExp: logSumExp[row] of every unmasked row (0 where masked). scaledExp: dLogits[row] =
 * -dy[b] * mask * exp(x - lse), 0 where that weight is 0 (the labels' +weight is added after).
 */
export const ROW_JOB = { logSumExp: 0, scaledExp: 1 } as const;
export type RowJob = (typeof ROW_JOB)[keyof typeof ROW_JOB];

export interface RowPointers {
  logits: number;
  mask: number;
  dy: number;
  logSumExp: number;
  dLogits: number;
}

/** Fills the shared parameter block of a job (byte offsets into the heap, then sizes). */
export function writeJob(params: Float64Array, job: RowJob, pointers: RowPointers, rows: number, vocab: number, length: number, chunkRows: number): void {
  params.set([
    job,
    pointers.logits,
    pointers.mask,
    pointers.dy,
    pointers.logSumExp,
    pointers.dLogits,
    rows,
    vocab,
    length,
    chunkRows,
    Math.ceil(rows / chunkRows),
  ]);
}

// params (float64): job, logits, mask, dy, logSumExp, dLogits (byte offsets), rows, vocab, length, chunkRows, chunks
export const PARAM_COUNT = 11;

/**
 * The rows of chunk `chunk` of a job (chunkRows = params[9] rows each). Runs on both sides, so it
 * must stay self-contained: the helpers receive its source text.
 */
export function runRowChunk(kernels: SequenceLogProbsRowKernels, heap: Float32Array, params: Float64Array, chunk: number): void {
  const job = params[0]!;
  const logits = params[1]!;
  const mask = params[2]! / 4;
  const dy = params[3]! / 4;
  const logSumExp = params[4]! / 4;
  const dLogits = params[5]!;
  const vocab = params[7]!;
  const length = params[8]!;
  const chunkRows = params[9]!;
  const rowBytes = vocab * 4;
  const last = Math.min(params[6]!, (chunk + 1) * chunkRows);
  for (let row = chunk * chunkRows; row < last; row++) {
    const ptr = logits + row * rowBytes;
    if (job === 0) {
      if (heap[mask + row] === 0) {
        heap[logSumExp + row] = 0;
        continue;
      }
      const max = kernels.rowMax(ptr, vocab);
      heap[logSumExp + row] = max + Math.log(kernels.rowSumExp(ptr, vocab, max));
    } else {
      const weight = heap[dy + Math.floor(row / length)]! * heap[mask + row]!;
      const out = dLogits + row * rowBytes;
      if (weight === 0) heap.fill(0, out / 4, out / 4 + vocab);
      else kernels.rowScaledExp(ptr, out, vocab, heap[logSumExp + row]!, -weight);
    }
  }
}

export class RowPool {
  private constructor(private readonly pool: HeapWorkerPool<SequenceLogProbsRowKernels>) {}

  /** Chunks the helpers computed in the last run (0 until one has started): for tests and tuning. */
  get helperChunks(): number {
    return this.pool.helperChunks;
  }

  /** A pool for a shared heap on a machine with more than one core; null otherwise. */
  static create(memory: WasmMemory, module: CompiledModule, kernels: SequenceLogProbsRowKernels): RowPool | null {
    const pool = HeapWorkerPool.create(memory, module, kernels, runRowChunk, PARAM_COUNT);
    return pool ? new RowPool(pool) : null;
  }

  /** Runs `job` over every row, this thread included; returns when all rows are done. */
  run(job: RowJob, pointers: RowPointers, rows: number, vocab: number, length: number): void {
    // Chunks of about 1M floats (20 rows of GPT-2's vocabulary): small enough to balance threads
    // that the machine's other work slows unevenly.
    const chunkRows = Math.max(1, Math.ceil(rows / MAX_CHUNKS), Math.floor((1 << 20) / Math.max(vocab, 1)));
    writeJob(this.pool.params, job, pointers, rows, vocab, length, chunkRows);
    this.pool.run(Math.ceil(rows / chunkRows), 'sequence log-probs');
  }
}
