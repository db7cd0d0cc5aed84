import { Command, CommanderError } from 'commander';
import { isSteerableError } from '@steerable/core';
import { type CliContext, createContext } from './context.js';
import { type CliIo, processIo } from './terminal/io.js';
import { type LogLevel, terminalLogger } from './terminal/terminal-logger.js';

export type CommandRegistrar = (program: Command, context: CliContext) => void;

/**
 * Runs a commander program in-process and returns the exit code instead of exiting, so tests
 * can drive the CLI exactly as a user would. A SteerableError becomes its message (location and
 * fix included) without a stack trace; anything else is a bug and keeps its stack.
 */
export async function runCli(
  programName: string,
  description: string,
  registrars: CommandRegistrar[],
  argv: string[],
  io: CliIo = processIo,
): Promise<number> {
  const level = (process.env.STEERABLE_LOG_LEVEL as LogLevel | undefined) ?? 'info';
  const context = createContext(programName, io, terminalLogger(io, level));
  const program = new Command(programName)
    .description(description)
    .version(await ownVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (t) => io.stdout(t), writeErr: (t) => io.stderr(t) });
  for (const register of registrars) register(program, context);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: (t) => io.stdout(t), writeErr: (t) => io.stderr(t) });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 1;
    }
    if (isSteerableError(error)) {
      io.stderr(`${programName}: error: ${error.message}\n`);
      return error.code === 'invalid-data' ? 2 : 1;
    }
    io.stderr(`${programName}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 70;
  }
}

async function ownVersion(): Promise<string> {
  const { createRequire } = await import('node:module');
  try {
    return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
