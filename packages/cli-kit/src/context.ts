import { type Logger, silentLogger } from '@steerable/core';
import type { CliIo } from './terminal/io.js';

/** What every command receives: where to write and how to log. */
export interface CliContext {
  programName: string;
  io: CliIo;
  logger: Logger;
  /** For --json output: nothing but the JSON may reach stdout, and logs stay quiet. */
  quietLogger: Logger;
  /** Set by a command to request a non-zero exit without throwing (see EXIT_CODES). */
  exitCode: number;
}

export function createContext(programName: string, io: CliIo, logger: Logger): CliContext {
  return { programName, io, logger, quietLogger: silentLogger, exitCode: 0 };
}
