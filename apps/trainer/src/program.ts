import type { CliIo } from './terminal/io.js';
import { type CommandRegistrar, runCli } from './run-cli.js';
import { registerInfoCommand } from './commands/info.js';
import { registerDataCommand } from './commands/data-command.js';
import { registerRewardCommand } from './commands/reward.js';
import { registerPolicyCommand } from './commands/policy.js';

export const TRAINER_COMMANDS: CommandRegistrar[] = [registerInfoCommand, registerDataCommand, registerRewardCommand, registerPolicyCommand];

export function runTrainer(argv: string[], io?: CliIo): Promise<number> {
  return runCli('steerable-train', 'Train steerable reward models (NP-BTL and baselines) and policies (NP-DPO).', TRAINER_COMMANDS, argv, io);
}
