import type { CliIo } from './terminal/io.js';
import { type CommandRegistrar, runCli } from './run-cli.js';
import { registerInfoCommand } from './commands/info.js';

export const TRAINER_COMMANDS: CommandRegistrar[] = [registerInfoCommand];

export function runTrainer(argv: string[], io?: CliIo): Promise<number> {
  return runCli('steerable-train', 'Train steerable reward models (NP-BTL and baselines) and policies (NP-DPO).', TRAINER_COMMANDS, argv, io);
}
