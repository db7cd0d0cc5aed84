import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend } from '../src/index.js';
import { compiledSequenceLogProbsModule, sequenceLogProbsRowKernels } from '../src/kernels/wasm/sequence-log-probs-simd.js';
import { webAssembly } from '../src/kernels/wasm/simd-module.js';
import { PARAM_COUNT, ROW_JOB, type RowJob, RowPool, runRowChunk, writeJob } from '../src/kernels/wasm/sequence-log-probs-pool.js';
import { rowRunnerOf, sequenceLogProbsWasmConfigs } from '../src/kernels/wasm/sequence-log-probs.js';
import { sequenceLogProbsGradImpl, sequenceLogProbsImpl } from '../src/kernels/shared/sequence-log-probs-impl.js';
import { StagedRowKernels } from '../src/kernels/shared/sequence-log-probs-staged.js';
import { maxAbsDiff, randomValues, relativeDiff } from './helpers.js';

const { Memory } = webAssembly!;

/**
 * Float64 references of the three row kernels, from the float32 differences x - shift that the
 * kernels exponentiate (that rounding alone is up to 1e-6 relative at |x - shift| = 20).
 */
function reference(x: Float32Array, shift: number, scale: number) {
  let max = -Infinity;
  let sum = 0;
  for (const value of x) max = Math.max(max, value);
  for (const value of x) sum += Math.exp(Math.fround(value - shift));
  return { max, sum, scaled: Float64Array.from(x, (value) => Math.fround(scale) * Math.exp(Math.fround(value - shift))) };
}

describe('sequence log-probs SIMD module', () => {
  for (const shared of [false, true]) {
    it(`row kernels equal float64 references on ${shared ? 'a shared' : 'an unshared'} memory, at every tail length`, () => {
      const memory = new Memory(shared ? { initial: 2, maximum: 16, shared: true } : { initial: 2 });
      const kernels = sequenceLogProbsRowKernels(memory)!;
      expect(kernels).not.toBeNull();
      const rng = new Rng(shared ? 31 : 32);
      // Counts through each loop (8, 4 and 1 floats) and their mixes; offsets not multiples of 16
      // bytes, as rows of odd vocabularies start anywhere.
      for (const [count, offset, spread] of [
        [0, 4, 1],
        [1, 8, 1],
        [2, 12, 3],
        [3, 4, 3],
        [4, 0, 3],
        [5, 20, 3],
        [9, 36, 10],
        [13, 4, 10],
        [15, 8, 10],
        [4099, 44, 30],
        [2001, 8, 150],
        [2005, 12, 150],
      ] as const) {
        const x = new Float32Array(memory.buffer, offset, count);
        for (let i = 0; i < count; i++) x[i] = rng.normal() * spread;
        const outOffset = 65536 + offset;
        const max = kernels.rowMax(offset, count);
        const shift = count ? max : 0;
        const ref = reference(x, shift, -0.7);
        expect(max, `max of ${count}`).toBe(count ? Math.fround(ref.max) : -Infinity);
        const sum = kernels.rowSumExp(offset, count, shift);
        expect(Math.abs(sum - ref.sum), `sum of ${count}`).toBeLessThanOrEqual(2e-7 * ref.sum);
        kernels.rowScaledExp(offset, outOffset, count, shift, -0.7);
        const scaled = new Float32Array(memory.buffer, outOffset, count);
        for (let i = 0; i < count; i++) {
          // Values whose true exp is below float32's normal range come out 0.
          const tolerance = 3e-7 * Math.abs(ref.scaled[i]!) + 1e-37;
          expect(Math.abs(scaled[i]! - ref.scaled[i]!), `scaled[${i}] of ${count}, x - shift = ${x[i]! - shift}`).toBeLessThanOrEqual(tolerance);
        }
      }
    });
  }

  it('exp is 1 at 0, 0 far below float32 range, and keeps NaN', () => {
    const memory = new Memory({ initial: 1 });
    const kernels = sequenceLogProbsRowKernels(memory)!;
    const x = new Float32Array(memory.buffer, 0, 8);
    x.set([0, -1e-30, -87, -88, -200, -Infinity, Number.NaN, 1e-3]);
    kernels.rowScaledExp(0, 64, 8, 0, 1);
    const y = new Float32Array(memory.buffer, 64, 8);
    expect(y[0]).toBe(1);
    expect(y[1]).toBe(1);
    expect(Math.abs(y[2]! / Math.exp(-87) - 1)).toBeLessThan(3e-7);
    expect(y[3]).toBeLessThan(1e-37);
    expect([y[4], y[5]]).toEqual([0, 0]);
    expect(y[6]).toBeNaN();
    expect(Math.abs(y[7]! / Math.exp(1e-3) - 1)).toBeLessThan(3e-7);
    expect(kernels.rowSumExp(0, 8, 0)).toBeNaN();
  });
});

describe('sequence log-probs on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('runs the SIMD module over the backend heap (the path the parity tests exercise)', () => {
    expect(rowRunnerOf(tf.backend() as never)).not.toBeNull();
  });

  it('without SIMD the JS kernels give the same values and gradients, and both free what they allocate', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as {
      readSync(id: tf.DataId): Float32Array;
      disposeData(id: tf.DataId): boolean;
      numDataIds(): number;
    };
    const run = (configs: tf.KernelConfig[]) => {
      const logits = tf.randomNormal([3, 5, 13], 0, 2, 'float32', 41);
      const labels = tf.tensor2d(
        [
          [0, 12, 3, 12, 0],
          [5, 5, 5, 5, 5],
          [12, 0, -100, 1, 2],
        ],
        [3, 5],
        'int32',
      );
      const mask = tf.tensor2d([
        [1, 1, 1, 0, 1],
        [0, 0, 0, 0, 0],
        [1, 1, 0, 1, 1],
      ]);
      const dy = tf.tensor1d([0.5, -2, 1.5]);
      const [out, lse] = configs[0]!.kernelFunc({ inputs: { logits, labels, mask }, backend, attrs: {} }) as tf.TensorInfo[];
      const dLogits = configs[1]!.kernelFunc({ inputs: { dy, logits, labels, mask, logSumExp: lse! }, backend, attrs: {} }) as tf.TensorInfo;
      const values = [out!, lse!, dLogits].map((info) => Float32Array.from(backend.readSync(info.dataId)));
      [out!, lse!, dLogits].forEach((info) => backend.disposeData(info.dataId));
      tf.dispose([logits, labels, mask, dy]);
      return values;
    };
    const before = backend.numDataIds();
    const simd = run(sequenceLogProbsWasmConfigs());
    const js = run(sequenceLogProbsWasmConfigs(() => null));
    expect(backend.numDataIds()).toBe(before);
    for (let i = 0; i < simd.length; i++) expect(relativeDiff(simd[i]!, js[i]!), `output ${i}`).toBeLessThan(2e-6);
  });
});

describe('sequence log-probs staged through wasm memory (the cpu backend)', () => {
  it('equal the JS kernels, growing the memory for a large vocabulary and reusing it for small ones', () => {
    const staged = StagedRowKernels.create()!;
    expect(staged).not.toBeNull();
    const rng = new Rng(50);
    for (const [b, l, v] of [
      [2, 3, 5],
      [1, 3, 20_011],
      [2, 2, 7],
      [1, 2, 40_000],
    ] as const) {
      const logits = randomValues([b, l, v], rng, 4);
      const mask = Float32Array.from({ length: b * l }, (_, i) => (i % 3 === 1 ? 0 : 1));
      const labels = Int32Array.from({ length: b * l }, (_, i) => (i % 2 ? v - 1 : rng.int(0, v - 1)));
      const dy = randomValues([b], rng);
      const run = (forward: typeof sequenceLogProbsImpl, gradient: typeof sequenceLogProbsGradImpl) => {
        const out = new Float32Array(b);
        const lse = new Float32Array(b * l);
        const dLogits = new Float32Array(b * l * v).fill(Number.NaN);
        forward(logits, labels, mask, b, l, v, out, lse);
        gradient(dy, logits, labels, mask, lse, b, l, v, dLogits);
        return [out, lse, dLogits];
      };
      const js = run(sequenceLogProbsImpl, sequenceLogProbsGradImpl);
      const simd = run(
        (logits, labels, mask, b, l, v, out, lse) => sequenceLogProbsImpl(logits, labels, mask, b, l, v, out, lse, staged),
        (dy, logits, labels, mask, lse, b, l, v, dLogits) => sequenceLogProbsGradImpl(dy, logits, labels, mask, lse, b, l, v, dLogits, staged),
      );
      for (let i = 0; i < js.length; i++) expect(relativeDiff(simd[i]!, js[i]!), `[${b}, ${l}, ${v}] output ${i}`).toBeLessThan(2e-6);
    }
  });
});

describe('sequence log-probs rows split across helper threads (shared heap)', () => {
  it('a job gives exactly the single-thread rows, with a helper doing some of them', async () => {
    const memory = new webAssembly!.Memory({ initial: 600, maximum: 600, shared: true });
    const kernels = sequenceLogProbsRowKernels(memory)!;
    const pool = RowPool.create(memory, compiledSequenceLogProbsModule(true)!, kernels);
    expect(pool, 'a pool where there is more than one core').not.toBeNull();
    // Heap layout: logits, mask, dy, lse, dLogits. Chunks hold about 1M floats: 26 rows of this
    // vocabulary, so 111 rows make 5 chunks to share.
    const [batch, length, vocab] = [3, 37, 40_003];
    const rows = batch * length;
    const heap = new Float32Array(memory.buffer);
    const rng = new Rng(60);
    const at = {
      logits: 0,
      mask: rows * vocab * 4,
      dy: (rows * vocab + rows) * 4,
      logSumExp: (rows * vocab + rows + batch) * 4,
      dLogits: (rows * vocab + 2 * rows + batch) * 4,
    };
    for (let i = 0; i < rows * vocab; i++) heap[i] = rng.normal() * 3;
    for (let r = 0; r < rows; r++) heap[at.mask / 4 + r] = r % 5 === 0 ? 0 : 1;
    for (let b = 0; b < batch; b++) heap[at.dy / 4 + b] = rng.normal();
    const single = (job: RowJob, length: number) => {
      const params = new Float64Array(PARAM_COUNT);
      writeJob(params, job, at, rows, vocab, length, rows);
      runRowChunk(kernels, heap, params, 0);
      return job === ROW_JOB.logSumExp ? heap.slice(at.logSumExp / 4, at.logSumExp / 4 + rows) : heap.slice(at.dLogits / 4, at.dLogits / 4 + rows * vocab);
    };
    const expected = [single(ROW_JOB.logSumExp, length), single(ROW_JOB.scaledExp, length)];
    // The helper starts asynchronously; until it does, the calling thread runs every chunk.
    let helped = 0;
    for (let attempt = 0; attempt < 100 && helped === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      heap.fill(Number.NaN, at.logSumExp / 4, at.logSumExp / 4 + rows);
      heap.fill(Number.NaN, at.dLogits / 4, at.dLogits / 4 + rows * vocab);
      pool!.run(ROW_JOB.logSumExp, at, rows, vocab, length);
      helped += pool!.helperChunks;
      pool!.run(ROW_JOB.scaledExp, at, rows, vocab, length);
      helped += pool!.helperChunks;
      expect(maxAbsDiff(heap.subarray(at.logSumExp / 4, at.logSumExp / 4 + rows), expected[0]!)).toBe(0);
      expect(maxAbsDiff(heap.subarray(at.dLogits / 4, at.dLogits / 4 + rows * vocab), expected[1]!)).toBe(0);
    }
    expect(helped, 'chunks the helper computed').toBeGreaterThan(0);
  });
});
