import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WASM_THREADS_TFJS_VERSION } from '../src/runtime/wasm-threads.js';
import { installedVersion } from '../src/index.js';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('wasm threads shim', () => {
  it('is pinned to the installed tfjs-backend-wasm version', () => {
    expect(installedVersion('@tensorflow/tfjs-backend-wasm')).toBe(WASM_THREADS_TFJS_VERSION);
  });

  // The check runs the built package in a child process; `pnpm test` builds first, a bare
  // `vitest run` without a build skips it.
  it.skipIf(!existsSync(dist))('runs 2 threads in Node and computes correctly', () => {
    const result = spawnSync(process.execPath, [fileURLToPath(new URL('./fixtures/wasm-threads-check.mjs', import.meta.url))], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
      backend: string;
      threads: number;
      maxError: number;
      transposedError: number;
      batchedError: number;
      attentionError: number;
      sparseError: number;
    };
    expect(report).toMatchObject({ backend: 'wasm', threads: 2 });
    expect(report.maxError).toBe(0);
    // Sums of 520 products of values in [-0.5, 0.5): float32 accumulation stays within 1e-5.
    expect(report.transposedError).toBeLessThan(1e-5);
    expect(report.batchedError).toBeLessThan(1e-5);
    expect(report.attentionError).toBeLessThan(1e-5);
    expect(report.sparseError).toBeLessThan(1e-5);
  });

  // Issue 13: with 2 threads a USE-lite script never ended (stock kernels and ours). Each run must
  // end by itself well within the limit, with the embeddings the model gives.
  for (const variant of ['stock', 'steerable'] as const) {
    it.skipIf(!existsSync(dist))(`a USE-lite script on 2 threads (${variant} kernels) ends by itself`, () => {
      const fixture = fileURLToPath(new URL('./fixtures/wasm-threads-use-lite-check.mjs', import.meta.url));
      const result = spawnSync(process.execPath, [fixture, variant], { encoding: 'utf8', timeout: 90_000 });
      expect(result.signal, 'killed at the time limit: the process did not end by itself').toBeNull();
      expect(result.status, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { threads: number; steerable: boolean; shape: number[]; cosine: number };
      expect(report).toMatchObject({ threads: 2, steerable: variant === 'steerable', shape: [2, 512] });
      expect(report.cosine).toBeGreaterThan(0.8);
    });
  }
});
