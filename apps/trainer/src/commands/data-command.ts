import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerDataConvertCommand } from './data-convert.js';
import { registerDataInspectCommand } from './data-inspect.js';

/** `data`: inspect and convert preference data files. */
export function registerDataCommand(program: Command, context: CliContext): void {
  const data = program.command('data').description('inspect and convert preference data files (TRL, HH-RLHF, relabeled HH, UltraFeedback; JSONL, CSV, parquet)');
  registerDataInspectCommand(data, context);
  registerDataConvertCommand(data, context);
  // runCli configures top-level commands only; nested ones need the same in-process behaviour.
  for (const command of data.commands) command.exitOverride().configureOutput({ writeOut: (t) => context.io.stdout(t), writeErr: (t) => context.io.stderr(t) });
}
