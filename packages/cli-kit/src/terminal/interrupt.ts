import type { Logger } from '@steerable/core';

/**
 * The first Ctrl-C asks training to stop after the current step (the library then writes a
 * checkpoint); a second one is Node's default, an immediate exit. Returns the unsubscribe.
 */
export function onInterrupt(logger: Logger, controller: AbortController): () => void {
  const handler = (): void => {
    logger.warn('interrupt: stopping after this step and writing a checkpoint (press Ctrl-C again to force)');
    controller.abort();
    process.off('SIGINT', handler);
  };
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}
