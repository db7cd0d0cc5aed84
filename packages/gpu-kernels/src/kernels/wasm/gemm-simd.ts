import { GEMM_WASM, GEMM_WASM_FMA, GEMM_WASM_FMA_SHARED, GEMM_WASM_SHARED } from './gemm-simd-bytes.js';
import { simdModule, type WasmMemory } from './simd-module.js';

/** The export of wasm-src/gemm.wat; pointers and strides are bytes in the imported heap. */
export interface GemmSimdKernels {
  gemm(
    a: number,
    aRowStride: number,
    aKStride: number,
    b: number,
    bKStride: number,
    bColStride: number,
    c: number,
    ldc: number,
    m0: number,
    m1: number,
    n0: number,
    n1: number,
    k: number,
    kcMax: number,
    mcMax: number,
    ncMax: number,
    scratchA: number,
    scratchB: number,
    edge: number,
    packedB: number,
    packedRowBytes: number,
  ): void;
  /** op(B) packed whole for the threads of one product (gemm's packedB), rows rowBytes apart. */
  packPanels(b: number, bKStride: number, bColStride: number, k: number, n: number, kcMax: number, dst: number, rowBytes: number): void;
}

/** The argument count of `gemm`: a pooled job passes them first in its float64 params (gemm-parallel.ts). */
export const GEMM_ARGUMENT_COUNT = 21;

// kc x 8 floats of B (8 KiB) stay in L1 while a 4-row panel of A streams past; mc x kc of A
// (128 KiB) stays in L2 across the column panels. nc bounds the packed B (kc x nc, 1 MiB) for
// wide outputs such as a vocabulary projection.
export const GEMM_KC = 256;
export const GEMM_MC = 128;
export const GEMM_NC = 1024;
/** Floats of heap scratch one thread needs: packed A, packed B, the 4 x 8 edge tile. */
export const GEMM_SCRATCH_FLOATS = GEMM_MC * GEMM_KC + GEMM_KC * GEMM_NC + 32;

/** One product in the module's terms: op(A) (i, k) at a + i * aRowStride + k * aKStride, bytes. */
export interface GemmOperands {
  a: number;
  aRowStride: number;
  aKStride: number;
  b: number;
  bKStride: number;
  bColStride: number;
  c: number;
  m: number;
  n: number;
  k: number;
}

/**
 * The byte strides of the two indices of op(X), X a row-major rows x cols matrix: element (p, q)
 * of op(X) is at p * first + q * second from X's start.
 */
export function opStrides(_rows: number, cols: number, transposed: boolean): { first: number; second: number } {
  return transposed ? { first: 4, second: cols * 4 } : { first: cols * 4, second: 4 };
}

/** op(B) packed once for all threads (0: each call packs its own blocks), and its row stride. */
export interface PackedB {
  pointer: number;
  rowBytes: number;
}

/** Bytes per k row of op(B) packed whole: n columns rounded up to whole 8-column panels. */
export const packedRowBytes = (n: number) => Math.ceil(n / 8) * 32;

/** The argument list of one `gemm` call: a part of C and the thread's scratch (a byte offset). */
export function gemmArguments(
  op: GemmOperands,
  part: readonly [number, number, number, number],
  scratch: number,
  packed: PackedB = { pointer: 0, rowBytes: 0 },
): number[] {
  const scratchB = scratch + GEMM_MC * GEMM_KC * 4;
  const edge = scratchB + GEMM_KC * GEMM_NC * 4;
  return [
    op.a,
    op.aRowStride,
    op.aKStride,
    op.b,
    op.bKStride,
    op.bColStride,
    op.c,
    op.n * 4,
    part[0],
    part[1],
    part[2],
    part[3],
    op.k,
    GEMM_KC,
    GEMM_MC,
    GEMM_NC,
    scratch,
    scratchB,
    edge,
    packed.pointer,
    packed.rowBytes,
  ];
}

const gemmModule = simdModule<GemmSimdKernels>({ unshared: GEMM_WASM, shared: GEMM_WASM_SHARED, fmaUnshared: GEMM_WASM_FMA, fmaShared: GEMM_WASM_FMA_SHARED });

/** The module compiled for a shared or unshared memory (what the worker threads instantiate). */
export const gemmCompiled = gemmModule.compiled;

/** Whether the GEMM runs with fused multiply-adds (relaxed SIMD) on such a memory, once compiled. */
export const gemmFused = gemmModule.fused;

/** The kernels over `memory`, or null where the engine cannot run them (no SIMD). */
export const gemmSimdKernels: (memory: WasmMemory) => GemmSimdKernels | null = gemmModule.over;
