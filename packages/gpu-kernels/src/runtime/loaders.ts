import * as tf from '@tensorflow/tfjs';
import type { Logger } from '@steerable/core';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BackendName } from './backend-names.js';

const require = createRequire(import.meta.url);

export interface LoaderOptions {
  wasmThreads: number;
  /** Turn on relaxed SIMD where the engine has it behind a flag (wasm-relaxed-simd.ts). */
  wasmRelaxedSimd: boolean;
  logger: Logger;
}

/**
 * One loader per backend: import its package (dynamically, so an absent optional package costs
 * nothing) and register it with tfjs. This file and the setup files beside it are the only code
 * in steerable that imports backend packages.
 */
export const loaders: Record<BackendName, (options: LoaderOptions) => Promise<void>> = {
  async tensorflow() {
    const errors: string[] = [];
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      const status = tensorflowBindingStatus(pkg);
      if (status !== 'ok') {
        // Importing a package whose addon is missing registers half its kernels before throwing,
        // which pollutes the global registry: check the file first.
        errors.push(
          status === 'not-installed'
            ? `${pkg} is not installed`
            : `${pkg} is installed but its native addon (tfjs_binding.node) is missing: its install script did not run or could not download libtensorflow`,
        );
        continue;
      }
      try {
        await import(pkg);
        return;
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
        errors.push(isMissingModule(error, pkg) ? `${pkg} is not installed` : `${pkg} failed to load (${message})`);
      }
    }
    throw new Error(errors.join('; '));
  },

  async webgpu() {
    const { setupWebGpu } = await import('./webgpu-setup.js');
    await setupWebGpu();
  },

  async webgl() {
    const { setupWebGl } = await import('./webgl-setup.js');
    await setupWebGl();
  },

  async wasm({ wasmThreads, wasmRelaxedSimd }) {
    if (wasmRelaxedSimd) {
      const { enableWasmRelaxedSimd } = await import('./wasm-relaxed-simd.js');
      await enableWasmRelaxedSimd();
    }
    if (wasmThreads > 1) {
      const { enableWasmThreads } = await import('./wasm-threads.js');
      await enableWasmThreads(wasmThreads);
    }
    const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as { getThreadsCount(): number };
    if (tf.findBackendFactory('wasm') === null) throw new Error('@tensorflow/tfjs-backend-wasm did not register a backend');
    wasmThreadsCount = () => wasm.getThreadsCount();
  },

  async cpu() {
    // The union package registers the cpu backend on import.
  },
};

/** The wasm backend's thread count once it is loaded (what XNNPACK actually uses). */
export let wasmThreadsCount: () => number = () => 1;

/** Whether a tfjs-node flavour is installed with its native addon, without importing it. */
export function tensorflowBindingStatus(pkg: string): 'ok' | 'not-installed' | 'no-addon' {
  let root: string;
  try {
    root = dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return 'not-installed';
  }
  const lib = join(root, 'lib');
  if (!existsSync(lib)) return 'no-addon';
  const found = readdirSync(lib).some((d) => d.startsWith('napi-v') && existsSync(join(lib, d, 'tfjs_binding.node')));
  return found ? 'ok' : 'no-addon';
}

function isMissingModule(error: unknown, pkg: string): boolean {
  const e = error as { code?: string; message?: string };
  return (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') && String(e.message).includes(pkg);
}
