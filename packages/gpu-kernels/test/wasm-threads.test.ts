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
    const result = spawnSync(process.execPath, [fileURLToPath(new URL('./fixtures/wasm-threads-check.mjs', import.meta.url))], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { backend: string; threads: number; maxError: number; transposedError: number; batchedError: number };
    expect(report).toMatchObject({ backend: 'wasm', threads: 2 });
    expect(report.maxError).toBe(0);
    // Sums of 520 products of values in [-0.5, 0.5): float32 accumulation stays within 1e-5.
    expect(report.transposedError).toBeLessThan(1e-5);
    expect(report.batchedError).toBeLessThan(1e-5);
  });
});
