import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SequenceLogProbsRowKernels } from './sequence-log-probs-simd.js';
import type { WasmMemory } from './simd-module.js';

/**
 * Splits the rows of the sequence log-probability kernels between the calling thread and helper
 * worker threads, when tfjs's heap is a shared memory (the wasm threads shim is on): the helpers
 * instantiate the same SIMD module over the same memory. The kernel stays synchronous: both sides
 * claim chunks of rows from a shared counter and the caller blocks (Atomics.wait) only for chunks a
 * helper has claimed and not finished. A helper that has not started yet claims nothing, so the
 * caller never waits on it (the first calls of a process may run on the caller alone); a chunk
 * that fails in a helper (a wasm trap) still counts as done and the caller throws. Idle helpers
 * block in Atomics.wait, unref'd: they cost no CPU and do not keep the process alive.
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
  params.set([job, pointers.logits, pointers.mask, pointers.dy, pointers.logSumExp, pointers.dLogits, rows, vocab, length, chunkRows, Math.ceil(rows / chunkRows)]);
}

// params (float64): job, logits, mask, dy, logSumExp, dLogits (byte offsets), rows, vocab, length, chunkRows, chunks
export const PARAM_COUNT = 11;
// control (int32): [0] generation (helpers wait on it), [1] claim word (generation << 16 | next chunk),
// [2] chunks done by helpers, [3] chunks a helper failed (a wasm trap: counted as done, then reported)
const CONTROL_COUNT = 4;
const MAX_CHUNKS = 0xffff;

/**
 * The rows [first, last) of a job. Runs on both sides, so it must stay self-contained: the helpers
 * receive its source text.
 */
export function runRows(kernels: SequenceLogProbsRowKernels, heap: Float32Array, params: Float64Array, first: number, last: number): void {
  const job = params[0]!;
  const logits = params[1]!;
  const mask = params[2]! / 4;
  const dy = params[3]! / 4;
  const logSumExp = params[4]! / 4;
  const dLogits = params[5]!;
  const vocab = params[7]!;
  const length = params[8]!;
  const rowBytes = vocab * 4;
  for (let row = first; row < last; row++) {
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

/** Claims the next chunk of the job tagged `generation`; -1 when none is left (or the job is gone). */
export function claimChunk(control: Int32Array, params: Float64Array, generation: number): number {
  for (;;) {
    const word = Atomics.load(control, 1);
    const next = word & 0xffff;
    if (word >>> 16 !== generation || next >= params[10]!) return -1;
    if (Atomics.compareExchange(control, 1, word, word + 1) === word) return next;
  }
}

// The helper's loop, in CommonJS (eval'd workers are). runRows and claimChunk arrive as source.
const HELPER_SOURCE = (runRowsSource: string, claimChunkSource: string) => `
const { workerData } = require('node:worker_threads');
const runRows = (${runRowsSource});
const claimChunk = (${claimChunkSource});
const { module, memory, controlBuffer, paramsBuffer } = workerData;
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
const control = new Int32Array(controlBuffer);
const params = new Float64Array(paramsBuffer);
let seen = Atomics.load(control, 0);
for (;;) {
  Atomics.wait(control, 0, seen);
  seen = Atomics.load(control, 0);
  const generation = Atomics.load(control, 1) >>> 16;
  // The heap may have grown since the last job: a fresh view sees all of it.
  const heap = new Float32Array(memory.buffer);
  for (let chunk = claimChunk(control, params, generation); chunk >= 0; chunk = claimChunk(control, params, generation)) {
    const rows = params[6];
    const chunkRows = params[9];
    try {
      runRows(kernels, heap, params, chunk * chunkRows, Math.min(rows, (chunk + 1) * chunkRows));
    } catch {
      // The caller waits for every claimed chunk: a failure must still count as done.
      Atomics.add(control, 3, 1);
    }
    Atomics.add(control, 2, 1);
    Atomics.notify(control, 2);
  }
}
`;

export class RowPool {
  private readonly control: Int32Array;
  private readonly params: Float64Array;
  private generation = 0;
  private readonly helpers: Worker[] = [];
  /** Chunks the helpers computed in the last run (0 until one has started): for tests and tuning. */
  helperChunks = 0;

  private constructor(private readonly memory: WasmMemory, module: object, helperCount: number) {
    this.control = new Int32Array(new SharedArrayBuffer(CONTROL_COUNT * 4));
    this.params = new Float64Array(new SharedArrayBuffer(PARAM_COUNT * 8));
    const source = HELPER_SOURCE(runRows.toString(), claimChunk.toString());
    for (let i = 0; i < helperCount; i++) {
      const helper = new Worker(source, {
        eval: true,
        workerData: { module, memory, controlBuffer: this.control.buffer, paramsBuffer: this.params.buffer },
      });
      // An idle helper must not keep the process alive, and a failed one only stops claiming rows.
      helper.unref();
      helper.on('error', () => undefined);
      this.helpers.push(helper);
    }
  }

  /** A pool for a shared heap on a machine with more than one core; null otherwise. */
  static create(memory: WasmMemory, module: object): RowPool | null {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const helperCount = Math.min(availableParallelism() - 1, 3);
    return shared && helperCount > 0 ? new RowPool(memory, module, helperCount) : null;
  }

  /** Runs `job` over every row, this thread included; returns when all rows are done. */
  run(kernels: SequenceLogProbsRowKernels, job: RowJob, pointers: RowPointers, rows: number, vocab: number, length: number): void {
    // Chunks of about 1M floats (20 rows of GPT-2's vocabulary): small enough to balance threads
    // that the machine's other work slows unevenly.
    const chunkRows = Math.max(1, Math.ceil(rows / MAX_CHUNKS), Math.floor((1 << 20) / Math.max(vocab, 1)));
    const chunks = Math.ceil(rows / chunkRows);
    const p = this.params;
    writeJob(p, job, pointers, rows, vocab, length, chunkRows);
    this.generation = (this.generation + 1) & 0x7fff;
    Atomics.store(this.control, 2, 0);
    Atomics.store(this.control, 3, 0);
    // Publishing the tagged claim word is what opens the job; helpers still busy with an older
    // generation cannot claim from it.
    Atomics.store(this.control, 1, this.generation << 16);
    Atomics.add(this.control, 0, 1);
    Atomics.notify(this.control, 0);
    const heap = new Float32Array(this.memory.buffer);
    let mine = 0;
    for (let chunk = claimChunk(this.control, p, this.generation); chunk >= 0; chunk = claimChunk(this.control, p, this.generation)) {
      runRows(kernels, heap, p, chunk * chunkRows, Math.min(rows, (chunk + 1) * chunkRows));
      mine++;
    }
    for (let done = Atomics.load(this.control, 2); done < chunks - mine; done = Atomics.load(this.control, 2)) {
      Atomics.wait(this.control, 2, done);
    }
    this.helperChunks = chunks - mine;
    if (Atomics.load(this.control, 3) > 0) throw new Error(`sequence log-probs: a helper thread failed ${Atomics.load(this.control, 3)} chunk(s) of rows`);
  }
}
