/**
 * Relaxed SIMD for this package's hand-written wasm modules: their GEMM and sparse products have a
 * build with fused multiply-adds (f32x4.relaxed_madd), 1.4x faster on one core of the bench VM
 * (27-28 -> 38-40 GFLOP/s), which they use wherever the engine validates it. V8 ships relaxed SIMD
 * from 11.4 (Node 22, Chrome 114); Node 20's V8 11.3 has it behind --experimental-wasm-relaxed-simd,
 * a flag Node does not accept in NODE_OPTIONS, so the wasm loader sets it at run time, before any of
 * these modules compiles. It only makes more opcodes valid: stock tfjs-wasm's binaries do not use
 * them. A fused multiply-add rounds once where a multiply and an add round twice, so results move
 * in the last bits (parity tests allow for summation order already).
 */

// (module (func (param v128 v128 v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2))))
const PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11,
]);

const validates = () => (globalThis as unknown as { WebAssembly?: { validate(bytes: Uint8Array): boolean } }).WebAssembly?.validate(PROBE) === true;

/** Whether the engine runs relaxed SIMD, turning V8's flag on in a Node that has it behind one. */
export async function enableWasmRelaxedSimd(): Promise<boolean> {
  if (validates()) return true;
  if (typeof process === 'undefined' || !process.versions?.node) return false;
  try {
    const v8 = await import('node:v8');
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // A runtime that imitates Node without V8's flags: the plain SIMD builds run.
  }
  return validates();
}

/** Whether the engine validates relaxed SIMD now (without changing anything). */
export const wasmRelaxedSimd = validates;
