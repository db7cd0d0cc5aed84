import * as tf from '@tensorflow/tfjs';
import { type Logger, silentLogger } from '@steerable/core';

let logger: Logger = silentLogger;
const warned = new Set<string>();

/** The logger for fallback warnings; registerSteerableKernels sets it from initBackend's. */
export function setKernelLogger(next: Logger): void {
  logger = next;
}

/**
 * Whether the active backend has a kernel for `kernelName`. Without one the op runs its
 * composite, with one warning per kernel and backend, except on `tensorflow`, where the
 * composite of TF ops is the intended path (libtensorflow runs each op natively, on the GPU in
 * tfjs-node-gpu).
 */
export function hasKernel(kernelName: string, opName: string): boolean {
  const backend = tf.getBackend();
  if (tf.getKernel(kernelName, backend)) return true;
  const key = `${backend}_${kernelName}`;
  if (!warned.has(key) && backend !== 'tensorflow') {
    warned.add(key);
    logger.warn(`${opName}: no ${kernelName} kernel for backend '${backend}'; using the composite of tfjs ops (slower, more memory)`, {
      kernel: kernelName,
      backend,
    });
  }
  return false;
}

/** For tests: forget which fallbacks were already reported. */
export function resetFallbackWarnings(): void {
  warned.clear();
}
