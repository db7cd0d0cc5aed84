/**
 * What every hand-written WebAssembly module of this package needs: the WebAssembly API typed
 * locally, the heap of tfjs-backend-wasm, and a module compiled once per kind of memory and
 * instantiated once per memory it works over.
 */

/**
 * The parts of the WebAssembly JS API used here. This package compiles without the DOM lib, and
 * @types/node does not declare the WebAssembly namespace, so it is typed locally.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
export type CompiledModule = object;
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => CompiledModule;
  Instance: new (module: CompiledModule, imports: object) => { exports: object };
  validate(bytes: Uint8Array): boolean;
}
export const webAssembly = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

export const isShared = (memory: WasmMemory) => typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;

export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The Emscripten module behind tfjs-backend-wasm: the threaded build keeps its (shared) memory in
 * `wasmMemory`, the others export it from the instance as `asm.memory`.
 */
export interface HeapBackend {
  wasm?: { wasmMemory?: WasmMemory; asm?: { memory?: WasmMemory } };
}

/** The backend's heap, or null where it cannot be reached (no WebAssembly API, another build). */
export function backendHeap(backend: HeapBackend): WasmMemory | null {
  const memory = backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory;
  return webAssembly && memory instanceof webAssembly.Memory ? memory : null;
}

/**
 * A module importing `env.memory`, built for unshared and shared memories (base64 bytes), and
 * optionally also with fused multiply-adds (relaxed SIMD), which it prefers where the engine
 * validates them.
 */
export interface SimdModule<Exports> {
  /** The compiled module for a shared or unshared memory; null where the engine cannot run it. */
  compiled(shared: boolean): CompiledModule | null;
  /** Whether compiled(shared) is the fused build (false before the first compile). */
  fused(shared: boolean): boolean;
  /** The module's exports over `memory`, or null where they cannot run there. */
  over(memory: WasmMemory): Exports | null;
  /** The module's exports over a backend's heap, or null where they cannot run there. */
  ofBackend: KernelsOf<Exports>;
}

/**
 * How a kernel finds its SIMD module for a backend: a parameter of the kernel configs, so that the
 * tests can force the JS fallback on an engine that has SIMD.
 */
export type KernelsOf<Exports> = (backend: HeapBackend) => Exports | null;

export function simdModule<Exports>(bytes: { unshared: string; shared: string; fmaUnshared?: string; fmaShared?: string }): SimdModule<Exports> {
  const modules = new Map<boolean, CompiledModule | null>();
  const fusedModules = new Set<boolean>();
  // null remembers a memory the module cannot run on (no SIMD, an unexpected memory), so the
  // kernel falls back to JS without retrying the compile on every call.
  const instances = new WeakMap<WasmMemory, Exports | null>();
  const compiled = (shared: boolean): CompiledModule | null => {
    if (!modules.has(shared)) {
      // The fused build where the engine validates relaxed SIMD; else the plain one, whose
      // validate is false where the engine lacks SIMD (or shared memories): the JS kernel runs then.
      const fusedText = shared ? bytes.fmaShared : bytes.fmaUnshared;
      const fusedCode = fusedText === undefined ? null : decodeBase64(fusedText);
      const code = decodeBase64(shared ? bytes.shared : bytes.unshared);
      if (fusedCode && webAssembly?.validate(fusedCode)) {
        modules.set(shared, new webAssembly.Module(fusedCode));
        fusedModules.add(shared);
      } else {
        modules.set(shared, webAssembly?.validate(code) ? new webAssembly.Module(code) : null);
      }
    }
    return modules.get(shared)!;
  };
  const over = (memory: WasmMemory): Exports | null => {
    let exports = instances.get(memory);
    if (exports === undefined) {
      const module = compiled(isShared(memory));
      exports = null;
      if (module && webAssembly) {
        try {
          exports = new webAssembly.Instance(module, { env: { memory } }).exports as Exports;
        } catch {
          exports = null;
        }
      }
      instances.set(memory, exports);
    }
    return exports;
  };
  const ofBackend = (backend: HeapBackend): Exports | null => {
    const memory = backendHeap(backend);
    return memory ? over(memory) : null;
  };
  return { compiled, fused: (shared) => fusedModules.has(shared), over, ofBackend };
}
