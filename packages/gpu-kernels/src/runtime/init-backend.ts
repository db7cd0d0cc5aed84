import * as tf from '@tensorflow/tfjs';
import { type Logger, SteerableError, silentLogger } from '@steerable/core';
import { AUTO_BACKEND_ORDER, BACKEND_NAMES, BACKEND_PACKAGES, type BackendName, isBackendName } from './backend-names.js';
import { installedVersion } from './package-probe.js';
import { registerSteerableKernels, unregisterSteerableKernels } from '../register-all-kernels.js';
import { loaders, tensorflowBindingStatus, wasmThreadsCount } from './loaders.js';
import { wasmRelaxedSimd } from './wasm-relaxed-simd.js';

export interface InitBackendOptions {
  /** `auto` (default) tries tensorflow, wasm, cpu in that order; a name forces that backend. */
  backend?: BackendName | 'auto';
  /** wasm threads: 1 (default, stock tfjs in Node) or more through the experimental thread shim. */
  wasmThreads?: number;
  /**
   * Let this package's wasm kernels use relaxed SIMD (fused multiply-adds: 1.4x faster matmuls),
   * turning V8's flag on where the engine has it behind one (Node 20). Default true.
   */
  wasmRelaxedSimd?: boolean;
  /** Register this package's kernels and the wasm fast path (default true). false gives stock tfjs. */
  steerableKernels?: boolean;
  logger?: Logger;
}

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  reason?: string;
}

export interface BackendInfo {
  backend: BackendName;
  /** Backends whose packages are installed here (not all of them necessarily initialise). */
  backends_available: BackendName[];
  attempts: BackendAttempt[];
  tfjs_version: string;
  node_version: string;
  threads: number;
  steerable_kernels: boolean;
  /** Whether the engine runs relaxed SIMD (this package's wasm kernels then fuse multiply-adds). */
  wasm_relaxed_simd: boolean;
  packages: Record<string, string | null>;
}

/**
 * Which backends have their packages installed (tensorflow: with its native addon), without
 * initialising any of them.
 */
export function availableBackends(): BackendName[] {
  return BACKEND_NAMES.filter((name) => {
    if (name === 'tensorflow') return BACKEND_PACKAGES.tensorflow.packages.some((p) => tensorflowBindingStatus(p) === 'ok');
    return BACKEND_PACKAGES[name].packages.every((p) => installedVersion(p) !== null);
  });
}

let active: BackendInfo | null = null;

/** The BackendInfo of the last successful initBackend, or null. */
export function activeBackend(): BackendInfo | null {
  return active;
}

/**
 * Chooses and initialises the TensorFlow.js backend. Only applications call this (libraries use
 * whatever backend is active). A forced backend that cannot start is an error naming the missing
 * package and how to install it; `auto` falls through to the next candidate and logs why.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const logger = options.logger ?? silentLogger;
  const requested = options.backend ?? 'auto';
  if (requested !== 'auto' && !isBackendName(requested)) {
    throw new SteerableError('unknown-backend', `unknown backend '${String(requested)}'`, {
      field: 'backend',
      hint: `choose one of: auto, ${BACKEND_NAMES.join(', ')}`,
    });
  }
  const candidates = requested === 'auto' ? AUTO_BACKEND_ORDER : [requested];
  const attempts: BackendAttempt[] = [];
  for (const name of candidates) {
    try {
      await loaders[name]({ wasmThreads: options.wasmThreads ?? 1, wasmRelaxedSimd: options.wasmRelaxedSimd ?? true, logger });
      if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
      await tf.ready();
      attempts.push({ backend: name, ok: true });
      const steerableKernels = options.steerableKernels ?? true;
      if (steerableKernels) registerSteerableKernels(name, logger);
      else unregisterSteerableKernels(name);
      const info: BackendInfo = {
        backend: name,
        backends_available: availableBackends(),
        attempts,
        tfjs_version: tf.version.tfjs,
        node_version: process.versions.node,
        threads: threadsOf(name),
        steerable_kernels: steerableKernels,
        wasm_relaxed_simd: wasmRelaxedSimd(),
        packages: Object.fromEntries(
          ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', ...BACKEND_PACKAGES.tensorflow.packages, ...BACKEND_PACKAGES.webgpu.packages, 'gl'].map((p) => [
            p,
            installedVersion(p),
          ]),
        ),
      };
      active = info;
      logger.info(`backend: ${name}`, { backend: name, threads: info.threads, steerable_kernels: steerableKernels });
      return info;
    } catch (error) {
      const reason = firstLine(error);
      attempts.push({ backend: name, ok: false, reason });
      if (requested !== 'auto') {
        const available = availableBackends();
        throw new SteerableError('backend-unavailable', `backend '${name}' is not available here: ${reason}`, {
          field: 'backend',
          hint: `${BACKEND_PACKAGES[name].install}; or choose one of the backends available here: ${available.join(', ')}`,
          cause: error,
        });
      }
      logger.debug(`backend ${name} unavailable: ${reason}`);
    }
  }
  throw new SteerableError('backend-unavailable', `no backend could be initialised (${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')})`);
}

function threadsOf(name: BackendName): number {
  return name === 'wasm' ? wasmThreadsCount() : 1;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}
