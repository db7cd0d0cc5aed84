import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend } from '../src/index.js';
import { sinCosOnHeap, sinCosSimdKernels, wasmSinCosConfigs } from '../src/kernels/wasm/sin-cos.js';
import { webAssembly } from '../src/kernels/wasm/simd-module.js';
import { maxAbsDiff, numDataIds, onBackend, replaceWasmKernels } from './helpers.js';

/** USE-lite's timing-signal angles: position (0-127) times inverse timescales 1 .. 1e-4, both signs. */
function timingAngles(count: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => Math.fround((i >> 7) * 1e-4 ** ((i & 127) / 128) * (i % 3 === 0 ? -1 : 1)));
}

describe('wasm Sin and Cos (SIMD polynomials)', () => {
  const memory = new webAssembly!.Memory({ initial: 20 });
  const kernels = sinCosSimdKernels(memory)!;

  it('is within 1e-7 of Math.sin / Math.cos of the float32 input on [-8192, 8192], and exact beyond (signed zeros too)', () => {
    const rng = new Rng(1);
    const x = new Float32Array(65536 + 3);
    x.set(timingAngles(32768));
    for (let i = 32768; i < 65536; i++) x[i] = Math.fround(rng.uniformRange(-8192, 8192));
    // Past the reduction's range, not finite, and a tail past the last group of four.
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: float32 pi on purpose, the input nearest pi that the kernel sees
    x.set([8192, -8192, 9000.5, 1e30, Number.NaN, Number.POSITIVE_INFINITY, -0, 3.1415927], 65528);
    const heap = new Float32Array(memory.buffer);
    heap.set(x, 0);
    const [input, output] = [heap.subarray(0, x.length), heap.subarray(x.length + 1, 2 * x.length + 1)];
    for (const [phase, exact] of [
      [0, Math.sin],
      [1, Math.cos],
    ] as const) {
      output.fill(12345);
      sinCosOnHeap(kernels, input, output, phase);
      const expected = Float32Array.from(x, exact);
      let worst = 0;
      for (let i = 0; i < x.length; i++) {
        if (Number.isNaN(expected[i]!)) expect(output[i], `${exact.name}(${x[i]})`).toBeNaN();
        else worst = Math.max(worst, Math.abs(output[i]! - expected[i]!));
      }
      expect(worst, exact.name).toBeLessThan(1e-7);
      // Beyond 8192 the caller's Math result is used as it is.
      expect(output[65530]).toBe(expected[65530]);
      expect(Object.is(output[65534], phase === 0 ? -0 : 1)).toBe(true);
    }
  });

  describe('as the Sin and Cos kernels', () => {
    let restore = () => {};
    beforeAll(async () => {
      await initBackend({ backend: 'wasm', steerableKernels: false });
      restore = replaceWasmKernels(wasmSinCosConfigs());
    });
    afterAll(() => restore());

    it("USE-lite's timing signal ([4096, 128] angles) equals cpu within one float32 ulp of 1, and other shapes too", async () => {
      for (const [count, shape] of [
        [4096 * 128, [4096, 128]],
        [7, [7]],
        [3 * 5 * 2, [3, 5, 2]],
      ] as const) {
        const angles = timingAngles(count);
        const run = () => [tf.sin(tf.tensor(angles, [...shape])), tf.cos(tf.tensor(angles, [...shape]))];
        const cpu = await onBackend('cpu', run);
        const wasm = await onBackend('wasm', run);
        // cpu rounds Math.sin's double to float32: the two may land on neighbouring floats.
        expect(maxAbsDiff(wasm[0]!, cpu[0]!), `sin ${shape}`).toBeLessThanOrEqual(2 ** -23);
        expect(maxAbsDiff(wasm[1]!, cpu[1]!), `cos ${shape}`).toBeLessThanOrEqual(2 ** -23);
      }
    });

    it('gradients (d sin = cos, d cos = -sin) equal cpu, and nothing leaks', async () => {
      const angles = timingAngles(4096);
      const grads = () => [tf.grad((x: tf.Tensor) => tf.sin(x).mul(2).sum())(tf.tensor(angles)), tf.grad((x: tf.Tensor) => tf.cos(x).sum())(tf.tensor(angles))];
      const cpu = await onBackend('cpu', grads);
      const wasm = await onBackend('wasm', grads);
      expect(maxAbsDiff(wasm[0]!, cpu[0]!)).toBeLessThan(3e-7);
      expect(maxAbsDiff(wasm[1]!, cpu[1]!)).toBeLessThan(2e-7);
      const ids = numDataIds();
      const tensors = tf.memory().numTensors;
      for (let s = 0; s < 3; s++) tf.dispose(tf.tidy(grads));
      expect(numDataIds()).toBe(ids);
      expect(tf.memory().numTensors).toBe(tensors);
    });
  });
});
