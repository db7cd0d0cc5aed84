import type { Logger } from '@steerable/core';
import type { PreferenceDataEvent } from '@steerable/preference-data';

/** Seconds between two progress lines while text is embedded. */
const PROGRESS_EVERY_S = 10;

/**
 * Renders preference-data's load events as log lines: what is read, embedding progress (at most
 * one line every 10 s), and one line saying whether the embeddings were computed or read from the
 * cache, and how long that took.
 */
export function dataEventLogger(logger: Logger): (event: PreferenceDataEvent) => void {
  let lastProgress = performance.now();
  return (event) => {
    switch (event.type) {
      case 'read':
        logger.info(`reading ${event.path}`);
        return;
      case 'featurize':
        lastProgress = performance.now();
        logger.info(`featurizing${event.texts ? ` ${event.texts.toLocaleString('en-US')} texts` : ''} (${event.featurizer})`);
        return;
      case 'featurize-progress': {
        const { done, total, unit } = event.progress;
        if (done < total && performance.now() - lastProgress < PROGRESS_EVERY_S * 1000) return;
        lastProgress = performance.now();
        logger.info(`embedded ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} ${unit}`);
        return;
      }
      case 'cache-warning':
        logger.warn(`embedding cache: ${event.message} (${event.directory})`);
        return;
      case 'embeddings': {
        const seconds = `${event.seconds.toFixed(1)} s`;
        const pairs = `${event.pairs.toLocaleString('en-US')} pairs`;
        if (event.status === 'cached') logger.info(`embeddings (${event.featurizer}) of ${pairs} read from the cache in ${seconds}: ${event.directory}`);
        else if (event.status === 'uncached')
          logger.info(`embeddings (${event.featurizer}) of ${pairs} computed in ${seconds}, not cached${event.note ? `: ${event.note}` : ''}`);
        else logger.info(`embeddings (${event.featurizer}) of ${pairs} ${event.status} in ${seconds} and cached: ${event.directory}`);
        return;
      }
    }
  };
}
