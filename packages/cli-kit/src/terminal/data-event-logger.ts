import type { Logger } from '@steerable/core';
import type { PreferenceDataEvent } from '@steerable/preference-data';

/** Renders preference-data's load events as log lines. */
export function dataEventLogger(logger: Logger): (event: PreferenceDataEvent) => void {
  return (event) => {
    if (event.type === 'read') logger.info(`reading ${event.path}`);
    else logger.info(`featurizing${event.texts ? ` ${event.texts.toLocaleString('en-US')} texts` : ''} (${event.featurizer})`);
  };
}
