import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { SteerableError } from '@steerable/core';
import { availableBackends, initBackend } from '../src/index.js';

describe('initBackend', () => {
  it('auto picks wasm on a machine without libtensorflow', async () => {
    const info = await initBackend();
    expect(info.backend).toBe('wasm');
    expect(info.attempts[0]).toMatchObject({ backend: 'tensorflow', ok: false });
    expect(info.attempts[0]!.reason).toMatch(/tfjs-node/);
    // Node 20 has relaxed SIMD behind a flag that the wasm loader sets; later Nodes have it on.
    expect(info.wasm_relaxed_simd).toBe(true);
  });

  it('forces cpu and reports versions', async () => {
    const info = await initBackend({ backend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    expect(info.tfjs_version).toBe('4.22.0');
    expect(info.node_version).toBe(process.versions.node);
    expect(info.backends_available).toContain('cpu');
    expect(info.backends_available).toContain('wasm');
    expect(info.backends_available).not.toContain('tensorflow');
  });

  it('a forced tensorflow backend fails naming the package and how to install it', async () => {
    const error = await initBackend({ backend: 'tensorflow' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SteerableError);
    const message = (error as Error).message;
    expect(message).toMatch(/@tensorflow\/tfjs-node/);
    expect(message).toMatch(/fix: install/);
    expect(message).toContain(availableBackends().join(', '));
  });

  it('rejects an unknown backend name with the list of known ones', async () => {
    await expect(initBackend({ backend: 'cuda' as never })).rejects.toThrow(/choose one of: auto, tensorflow, webgpu, webgl, wasm, cpu/);
  });
});
