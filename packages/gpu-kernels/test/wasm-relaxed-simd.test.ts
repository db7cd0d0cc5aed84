import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { fusedMultiplyAdds } from '../scripts/wasm-module-source.mjs';
import { enableWasmRelaxedSimd, wasmRelaxedSimd } from '../src/runtime/wasm-relaxed-simd.js';
import { GEMM_WASM, GEMM_WASM_FMA, GEMM_WASM_FMA_SHARED, GEMM_WASM_SHARED } from '../src/kernels/wasm/gemm-simd-bytes.js';
import { type GemmSimdKernels, GEMM_SCRATCH_FLOATS, gemmArguments, gemmFused, gemmSimdKernels } from '../src/kernels/wasm/gemm-simd.js';
import { sparseRowsSimdKernels } from '../src/kernels/wasm/sparse-rows-simd.js';
import { simdModule, webAssembly } from '../src/kernels/wasm/simd-module.js';
import { randomValues } from './helpers.js';

describe('fusedMultiplyAdds (the relaxed-SIMD build of a WAT source)', () => {
  it('rewrites add(acc, mul(x, y)) as relaxed_madd(x, y, acc) whatever x and y are, and nothing else', () => {
    const wat = [
      '(local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $a) (local.get $b0))))',
      '(local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $pb)))))',
      '(local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (v128.load32_splat (i32.add (local.get $v) (i32.const 4))) (v128.load (local.get $p)))))',
      '(local.set $s (f32x4.add (local.get $s) (v128.load (local.get $q))))',
      '(local.set $t (f32x4.mul (local.get $a) (local.get $b)))',
    ].join('\n');
    expect(fusedMultiplyAdds(wat).split('\n')).toEqual([
      '(local.set $c0 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c0)))',
      '(local.set $c1 (f32x4.relaxed_madd (local.get $x) (v128.load offset=16 (local.get $pb)) (local.get $c1)))',
      '(local.set $c2 (f32x4.relaxed_madd (v128.load32_splat (i32.add (local.get $v) (i32.const 4))) (v128.load (local.get $p)) (local.get $c2)))',
      '(local.set $s (f32x4.add (local.get $s) (v128.load (local.get $q))))',
      '(local.set $t (f32x4.mul (local.get $a) (local.get $b)))',
    ]);
  });

  it('refuses a source with nothing to fuse, and an add of a multiply and something else', () => {
    expect(() => fusedMultiplyAdds('(local.set $t (f32x4.mul (local.get $a) (local.get $b)))')).toThrow(/no multiply-add/);
    const threeOperands = '(f32x4.add (local.get $c) (f32x4.mul (local.get $a) (local.get $b)) (local.get $d))';
    expect(() => fusedMultiplyAdds(threeOperands)).toThrow(/not add\(acc, mul\(x, y\)\)/);
  });
});

describe('wasm kernels with fused multiply-adds', () => {
  beforeAll(async () => {
    // What initBackend's wasm loader does (Node 20: V8's flag; Node 22 and browsers: already on).
    expect(await enableWasmRelaxedSimd()).toBe(true);
  });

  it('a SIMD module prefers its fused build where the engine validates it, else the plain one', () => {
    const both = simdModule<GemmSimdKernels>({ unshared: GEMM_WASM, shared: GEMM_WASM_SHARED, fmaUnshared: GEMM_WASM_FMA, fmaShared: GEMM_WASM_FMA_SHARED });
    expect(wasmRelaxedSimd()).toBe(true);
    expect(both.compiled(false)).not.toBeNull();
    expect(both.fused(false)).toBe(true);
    // Bytes the engine does not validate (a truncated module) leave the plain build.
    const truncated = GEMM_WASM_FMA.slice(0, 40);
    const broken = simdModule<GemmSimdKernels>({ unshared: GEMM_WASM, shared: GEMM_WASM_SHARED, fmaUnshared: truncated, fmaShared: GEMM_WASM_FMA_SHARED });
    expect(broken.compiled(false)).not.toBeNull();
    expect(broken.fused(false)).toBe(false);
  });

  it('the fused GEMM keeps float32 accuracy on tile, block and edge shapes, and is the one the kernels use', () => {
    const memory = new webAssembly!.Memory({ initial: 160 });
    const kernels = gemmSimdKernels(memory)!;
    expect(gemmFused(false)).toBe(true);
    const rng = new Rng(3);
    for (const [m, n, k] of [
      [4, 8, 256],
      [37, 45, 300],
      [130, 1030, 20],
      [128, 64, 512],
    ] as const) {
      const heap = new Float32Array(memory.buffer);
      const [a, b, c] = [64, 64 + m * k * 4, 64 + (m * k + k * n) * 4];
      const scratch = c + m * n * 4 + 64;
      heap.set(randomValues([m * k], rng), a / 4);
      heap.set(randomValues([k * n], rng), b / 4);
      expect(scratch + GEMM_SCRATCH_FLOATS * 4).toBeLessThan(heap.byteLength);
      const args = gemmArguments({ a, aRowStride: k * 4, aKStride: 4, b, bKStride: n * 4, bColStride: 4, c, m, n, k }, [0, m, 0, n], scratch);
      kernels.gemm(...(args as Parameters<GemmSimdKernels['gemm']>));
      let worst = 0;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          let scale = 0;
          for (let p = 0; p < k; p++) {
            const x = heap[a / 4 + i * k + p]! * heap[b / 4 + p * n + j]!;
            sum += x;
            scale += Math.abs(x);
          }
          worst = Math.max(worst, Math.abs(heap[c / 4 + i * n + j]! - sum) / scale);
        }
      }
      expect(worst, `${m} x ${n} x ${k}`).toBeLessThan(4e-7 * Math.sqrt(k));
    }
  });

  it('the fused sparse product keeps float32 accuracy', () => {
    const memory = new webAssembly!.Memory({ initial: 40 });
    const kernels = sparseRowsSimdKernels(memory)!;
    const [m, k, n] = [40, 300, 70];
    const rng = new Rng(4);
    const heap = new Float32Array(memory.buffer);
    const [a, b, c] = [64, 64 + m * k * 4, 64 + (m * k + k * n) * 4];
    const packed = c + m * n * 4;
    const scratch = packed + k * n * 4;
    heap.set(
      randomValues([m * k], rng).map((v) => (v > 1 ? v : 0)),
      a / 4,
    );
    heap.set(randomValues([k * n], rng), b / 4);
    kernels.packPanels32(b, n * 4, k, n, packed);
    kernels.sparseRowsProduct(a, k * 4, b, n * 4, packed, c, n * 4, 0, m, n, k, 32, scratch);
    let worst = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        let scale = 1e-30;
        for (let p = 0; p < k; p++) {
          const x = heap[a / 4 + i * k + p]! * heap[b / 4 + p * n + j]!;
          sum += x;
          scale += Math.abs(x);
        }
        worst = Math.max(worst, Math.abs(heap[c / 4 + i * n + j]! - sum) / scale);
      }
    }
    expect(worst).toBeLessThan(4e-7 * Math.sqrt(k));
  });
});
