import { SEQUENCE_LOG_PROBS_WASM, SEQUENCE_LOG_PROBS_WASM_SHARED } from './sequence-log-probs-simd-bytes.js';

/**
 * The row kernels of wasm-src/sequence-log-probs.wat, instantiated over tfjs-backend-wasm's own
 * memory: pointers are byte offsets into that heap, so tensors are read and written in place.
 */
export interface SequenceLogProbsRowKernels {
  /** Largest of `count` floats at byte offset `ptr`. */
  rowMax(ptr: number, count: number): number;
  /** sum of exp(x - shift) over `count` floats at `ptr`, accumulated in float64. */
  rowSumExp(ptr: number, count: number, shift: number): number;
  /** out[i] = scale * exp(x[i] - shift) for `count` floats. */
  rowScaledExp(ptr: number, out: number, count: number, shift: number, scale: number): void;
}

/**
 * The parts of the WebAssembly JS API used here. This package compiles without the DOM lib, and
 * @types/node does not declare the WebAssembly namespace, so it is typed locally.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
type CompiledModule = object;
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => CompiledModule;
  Instance: new (module: CompiledModule, imports: object) => { exports: object };
  validate(bytes: Uint8Array): boolean;
}
export const webAssembly = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

// null remembers a memory the module cannot run on (no SIMD, an unexpected memory), so the
// kernel falls back to JS without retrying the compile on every call.
const instances = new WeakMap<WasmMemory, SequenceLogProbsRowKernels | null>();
export const isShared = (memory: WasmMemory) => typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
const modules = new Map<boolean, CompiledModule | null>();

export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The compiled module for a shared or unshared memory; null where the engine cannot run it. */
export function compiledSequenceLogProbsModule(shared: boolean): CompiledModule | null {
  if (!modules.has(shared)) {
    const bytes = decodeBase64(shared ? SEQUENCE_LOG_PROBS_WASM_SHARED : SEQUENCE_LOG_PROBS_WASM);
    // validate is false where the engine lacks SIMD (or shared memories): the JS kernel runs then.
    modules.set(shared, webAssembly?.validate(bytes) ? new webAssembly.Module(bytes) : null);
  }
  return modules.get(shared)!;
}

/** The SIMD row kernels over `memory`, or null where they cannot run. */
export function sequenceLogProbsRowKernels(memory: WasmMemory): SequenceLogProbsRowKernels | null {
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    const module = compiledSequenceLogProbsModule(isShared(memory));
    kernels = null;
    if (module && webAssembly) {
      try {
        kernels = new webAssembly.Instance(module, { env: { memory } }).exports as unknown as SequenceLogProbsRowKernels;
      } catch {
        kernels = null;
      }
    }
    instances.set(memory, kernels);
  }
  return kernels;
}
