/**
 * Experimental: wasm threads in Node. Filled in by the wasm fast-path work; until then more than
 * one thread is refused with a clear message rather than silently ignored.
 */
export async function enableWasmThreads(threads: number): Promise<void> {
  throw new Error(`wasm threads (${threads}) are not supported yet; run with one thread`);
}
