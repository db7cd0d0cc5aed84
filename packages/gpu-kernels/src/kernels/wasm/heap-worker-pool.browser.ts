import type { CompiledModule, WasmMemory } from './simd-module.js';

/**
 * The browser build's HeapWorkerPool (swapped in for heap-worker-pool.ts by the browser build):
 * helper threads would be node:worker_threads Workers, which a page does not have, and a page's
 * wasm heap is shared only when it is cross-origin isolated. So there is never a pool: every
 * kernel runs its chunks on the calling thread, as in Node with one thread.
 */
export type ChunkRunner<Exports> = (exports: Exports, heap: Float32Array, params: Float64Array, chunk: number, thread: number) => void;

export const MAX_CHUNKS = 0xffff;

export class HeapWorkerPool<_Exports> {
  readonly params = new Float64Array(0);
  readonly threads = 1;
  helperChunks = 0;

  private constructor() {}

  static create<E>(_memory: WasmMemory, _module: CompiledModule, _exports: E, _runner: ChunkRunner<E>, _paramCount: number): HeapWorkerPool<E> | null {
    return null;
  }

  run(_chunks: number, label: string): void {
    throw new Error(`${label}: no helper threads in the browser build`);
  }
}
