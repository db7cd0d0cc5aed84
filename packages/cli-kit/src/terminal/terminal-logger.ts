import type { LogFields, Logger } from '@steerable/core';
import type { CliIo } from './io.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** The apps' logger: human lines on stderr, so stdout stays clean for tables and --json. */
export function terminalLogger(io: CliIo, level: LogLevel = 'info'): Logger {
  const emit = (at: LogLevel, message: string, _fields?: LogFields) => {
    if (ORDER[at] < ORDER[level]) return;
    const prefix = at === 'info' ? '' : `${at}: `;
    io.stderr(`${prefix}${message}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
