import { Command, CommanderError } from 'commander';
import { isSteerableError } from '@steerable/core';
import { type CliContext, createContext } from './context.js';
import { EXIT_CODES } from './exit-codes.js';
import { type CliIo, processIo } from './terminal/io.js';
import { type LogLevel, terminalLogger } from './terminal/terminal-logger.js';

export type CommandRegistrar = (program: Command, context: CliContext) => void;

export interface CliProgram {
  name: string;
  description: string;
  /** Reported by --version (the app's own package version). */
  version: string;
  commands: readonly CommandRegistrar[];
}

/**
 * Runs a commander program in-process and returns the exit code instead of exiting, so tests
 * can drive the CLI exactly as a user would. A SteerableError (and a flag commander refuses) is
 * the user's to fix: its message, location and fix, no stack trace, exit 2. Anything else is a
 * bug: its stack, exit 1.
 */
export async function runCli(program: CliProgram, argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const level = (process.env.STEERABLE_LOG_LEVEL as LogLevel | undefined) ?? 'info';
  const context = createContext(program.name, io, terminalLogger(io, level));
  const command = new Command(program.name)
    .description(program.description)
    .version(program.version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)');
  for (const register of program.commands) register(command, context);
  configureInProcess(command, io);
  try {
    await command.parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      const shown = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
      return shown || error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    if (isSteerableError(error)) {
      io.stderr(`${program.name}: error: ${error.message}\n`);
      return EXIT_CODES.usage;
    }
    io.stderr(
      `${program.name}: internal error (a bug; please report it with this output): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT_CODES.internal;
  }
}

/** Commander exits the process by default; nested subcommands need the same override as the root. */
function configureInProcess(command: Command, io: CliIo): void {
  command.exitOverride().configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) });
  for (const child of command.commands) configureInProcess(child, io);
}
