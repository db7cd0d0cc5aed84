import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../src/index.js';

describe('wasm backend offline', () => {
  const fetchSpy = vi.fn(() => Promise.reject(new Error('network access attempted')));
  const originalFetch = globalThis.fetch;
  const httpSpy = vi.spyOn(http, 'request');
  const httpsSpy = vi.spyOn(https, 'request');
  const httpGetSpy = vi.spyOn(http, 'get');
  const httpsGetSpy = vi.spyOn(https, 'get');

  beforeAll(() => {
    globalThis.fetch = fetchSpy as unknown as typeof fetch;
  });
  afterAll(() => {
    globalThis.fetch = originalFetch;
  });

  it('ships its .wasm binaries inside the package', () => {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
      expect(existsSync(join(dist, file)), file).toBe(true);
    }
  });

  it('initialises and computes with no network access', async () => {
    const info = await initBackend({ backend: 'wasm' });
    expect(info.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const y = tf.matMul(
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.tensor2d([[5], [6]]),
    );
    expect(Array.from(await y.data())).toEqual([17, 39]);
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(httpSpy).not.toHaveBeenCalled();
    expect(httpsSpy).not.toHaveBeenCalled();
    expect(httpGetSpy).not.toHaveBeenCalled();
    expect(httpsGetSpy).not.toHaveBeenCalled();
    // SIMD is what makes wasm the default here; a silent fallback to the scalar build would cost 3x.
    expect(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')).toBe(true);
  });
});
