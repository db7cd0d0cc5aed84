import * as tf from '@tensorflow/tfjs';
import { Option, type Command } from 'commander';
import { BACKEND_NAMES, type BackendInfo, type BackendName, initBackend } from '@steerable/gpu-kernels';
import type { Logger } from '@steerable/core';

export interface BackendFlags {
  backend: BackendName | 'auto';
  wasmThreads: number;
  stockKernels?: boolean;
}

/** Adds --backend, --wasm-threads and --stock-kernels to a command. */
export function addBackendOptions(command: Command): Command {
  return command
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['auto', ...BACKEND_NAMES]).default(process.env.STEERABLE_BACKEND ?? 'auto'))
    .addOption(new Option('--wasm-threads <n>', 'wasm threads (more than 1 uses an experimental shim)').argParser(parsePositiveInt).default(1))
    .addOption(new Option('--stock-kernels', "use stock tfjs kernels only (without @steerable/gpu-kernels' fast path)"));
}

export async function setupBackend(flags: BackendFlags, logger: Logger): Promise<BackendInfo> {
  // The apps own the terminal: production mode keeps tfjs's own banners and debug checks quiet.
  tf.enableProdMode();
  return initBackend({ backend: flags.backend, wasmThreads: flags.wasmThreads, steerableKernels: !flags.stockKernels, logger });
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got '${value}'`);
  return n;
}
