import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { isShared, type CompiledModule, type WasmMemory } from './simd-module.js';

/**
 * Helper threads that run chunks of a job over tfjs-backend-wasm's heap when that heap is a shared
 * memory (the wasm threads shim is on). Each helper instantiates the same hand-written SIMD module
 * over the same memory. A kernel stays synchronous: the calling thread and the helpers claim
 * chunks from a shared counter, and the caller blocks (Atomics.wait) only for chunks a helper has
 * claimed and not finished. A helper that has not started yet claims nothing, so the caller never
 * waits on it (the first calls of a process may run on the caller alone), and a helper slowed by
 * the machine's other work takes fewer chunks; a chunk that fails in a helper (a wasm trap) still
 * counts as done and the caller throws. Idle helpers block in Atomics.wait, unref'd: they cost no
 * CPU and do not keep the process alive.
 *
 * What a chunk does is a self-contained function `(exports, heap, params, chunk, thread) => void`
 * given as source text (helpers are eval'd workers): `heap` a Float32Array over the whole memory,
 * `params` the job's float64 parameters, `thread` 0 for the caller and 1.. for the helpers (for
 * per-thread scratch). The caller runs its chunks through `local`, the same function compiled here.
 */
export type ChunkRunner<Exports> = (exports: Exports, heap: Float32Array, params: Float64Array, chunk: number, thread: number) => void;

// control (int32): [0] generation (helpers wait on it), [1] claim word (generation << 16 | next chunk),
// [2] chunks done by helpers, [3] chunks a helper failed (counted as done too), [4] chunks in the job
const CONTROL_COUNT = 5;
/** Chunks one job may have (the claim word keeps the next chunk in 16 bits). */
export const MAX_CHUNKS = 0xffff;

// On a machine whose other cores are busy (a second training beside this one, other users), a
// helper that claimed a chunk can lose its core for a whole time slice while the caller, done with
// its own chunks, waits for it: measured on 2 cores with one other busy process, an NP-BTL step
// took 215 ms on two threads against 112 on one. So a job whose wait for the helpers exceeds what
// the caller computed itself (and STALL_MIN_MS) makes the following jobs run on the caller alone
// for a while, doubling from INITIAL_SOLO_MS to MAX_SOLO_MS while the stalls go on; a job without
// a stall resets it. Where a chunk runs never changes its result, only the time.
const STALL_MIN_MS = 0.5;
const INITIAL_SOLO_MS = 50;
const MAX_SOLO_MS = 2000;

/** Claims the next chunk of the job tagged `generation`; -1 when none is left (or the job is gone). */
function claimChunk(control: Int32Array, generation: number): number {
  for (;;) {
    const word = Atomics.load(control, 1);
    const next = word & 0xffff;
    if (word >>> 16 !== generation || next >= Atomics.load(control, 4)) return -1;
    if (Atomics.compareExchange(control, 1, word, word + 1) === word) return next;
  }
}

// The helper's loop, in CommonJS (eval'd workers are). The chunk runner and claimChunk arrive as source.
const HELPER_SOURCE = (runnerSource: string) => `
const { workerData } = require('node:worker_threads');
const runChunk = (${runnerSource});
const claimChunk = (${claimChunk.toString()});
const { module, memory, controlBuffer, paramsBuffer, thread } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const control = new Int32Array(controlBuffer);
const params = new Float64Array(paramsBuffer);
let seen = Atomics.load(control, 0);
for (;;) {
  Atomics.wait(control, 0, seen);
  seen = Atomics.load(control, 0);
  const generation = Atomics.load(control, 1) >>> 16;
  // The heap may have grown since the last job: a fresh view sees all of it.
  const heap = new Float32Array(memory.buffer);
  for (let chunk = claimChunk(control, generation); chunk >= 0; chunk = claimChunk(control, generation)) {
    try {
      runChunk(exports, heap, params, chunk, thread);
    } catch {
      // The caller waits for every claimed chunk: a failure must still count as done.
      Atomics.add(control, 3, 1);
    }
    Atomics.add(control, 2, 1);
    Atomics.notify(control, 2);
  }
}
`;

export class HeapWorkerPool<Exports> {
  /** The job's parameters, shared with the helpers: write them, then call run. */
  readonly params: Float64Array;
  /** Threads a job can use, the caller included (helpers that have not started yet count). */
  readonly threads: number;
  /** Chunks the helpers computed in the last run (0 until one has started): for tests and tuning. */
  helperChunks = 0;
  /** Jobs run on the caller alone because the helpers had stalled an earlier one (see STALL_MIN_MS): for tests and tuning. */
  soloJobs = 0;
  private readonly control: Int32Array;
  private generation = 0;
  /** Until this time (performance.now()) jobs run on the caller alone. */
  private soloUntil = 0;
  private soloMs = INITIAL_SOLO_MS;

  private constructor(
    private readonly memory: WasmMemory,
    private readonly exports: Exports,
    private readonly runner: ChunkRunner<Exports>,
    module: CompiledModule,
    paramCount: number,
    helperCount: number,
  ) {
    this.control = new Int32Array(new SharedArrayBuffer(CONTROL_COUNT * 4));
    this.params = new Float64Array(new SharedArrayBuffer(paramCount * 8));
    this.threads = 1 + helperCount;
    const source = HELPER_SOURCE(runner.toString());
    for (let i = 0; i < helperCount; i++) {
      const helper = new Worker(source, {
        eval: true,
        workerData: { module, memory, controlBuffer: this.control.buffer, paramsBuffer: this.params.buffer, thread: i + 1 },
      });
      // An idle helper must not keep the process alive, and a failed one only stops claiming chunks.
      helper.unref();
      helper.on('error', () => undefined);
    }
  }

  /**
   * A pool over a shared heap on a machine with more than one core (up to 3 helpers); null
   * otherwise. `exports` is the module's instance over `memory` on this thread, `module` the
   * compiled module the helpers instantiate.
   */
  static create<E>(memory: WasmMemory, module: CompiledModule, exports: E, runner: ChunkRunner<E>, paramCount: number): HeapWorkerPool<E> | null {
    const helperCount = Math.min(availableParallelism() - 1, 3);
    return isShared(memory) && helperCount > 0 ? new HeapWorkerPool(memory, exports, runner, module, paramCount, helperCount) : null;
  }

  /** Runs chunks 0..chunks-1 of the job in `params`, this thread included; returns when all are done. */
  run(chunks: number, label: string): void {
    if (chunks > MAX_CHUNKS) throw new Error(`${label}: ${chunks} chunks, more than ${MAX_CHUNKS}`);
    const started = performance.now();
    if (started < this.soloUntil) {
      const heap = new Float32Array(this.memory.buffer);
      for (let chunk = 0; chunk < chunks; chunk++) this.runner(this.exports, heap, this.params, chunk, 0);
      this.helperChunks = 0;
      this.soloJobs++;
      return;
    }
    this.generation = (this.generation + 1) & 0x7fff;
    Atomics.store(this.control, 2, 0);
    Atomics.store(this.control, 3, 0);
    Atomics.store(this.control, 4, chunks);
    // Publishing the tagged claim word is what opens the job; helpers still busy with an older
    // generation cannot claim from it.
    Atomics.store(this.control, 1, this.generation << 16);
    Atomics.add(this.control, 0, 1);
    Atomics.notify(this.control, 0);
    const heap = new Float32Array(this.memory.buffer);
    let mine = 0;
    for (let chunk = claimChunk(this.control, this.generation); chunk >= 0; chunk = claimChunk(this.control, this.generation)) {
      this.runner(this.exports, heap, this.params, chunk, 0);
      mine++;
    }
    const ownDone = performance.now();
    for (let done = Atomics.load(this.control, 2); done < chunks - mine; done = Atomics.load(this.control, 2)) {
      Atomics.wait(this.control, 2, done);
    }
    const waited = performance.now() - ownDone;
    if (waited > Math.max(STALL_MIN_MS, ownDone - started)) {
      this.soloUntil = performance.now() + this.soloMs;
      this.soloMs = Math.min(2 * this.soloMs, MAX_SOLO_MS);
    } else {
      this.soloMs = INITIAL_SOLO_MS;
    }
    this.helperChunks = chunks - mine;
    const failed = Atomics.load(this.control, 3);
    if (failed > 0) throw new Error(`${label}: a helper thread failed ${failed} chunk(s)`);
  }
}
