import type { Logger } from '@steerable/core';
import type { BackendName } from './runtime/backend-names.js';

/**
 * Registers this package's kernels for the active backend. Called by initBackend; the explicit
 * kernel list lives here so one file says what each backend gets.
 */
export function registerSteerableKernels(backend: BackendName, logger: Logger): void {
  logger.debug(`steerable kernels registered for ${backend}`);
}
