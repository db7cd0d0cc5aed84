import { type CliIo, type CommandRegistrar, ownVersion, registerInfoCommand, runCli } from '@steerable/cli-kit';
import { registerDataCommand } from './commands/data-command.js';
import { registerPolicyCommand } from './commands/policy.js';
import { registerRewardCommand } from './commands/reward.js';

export const TRAINER_COMMANDS: readonly CommandRegistrar[] = [registerInfoCommand, registerDataCommand, registerRewardCommand, registerPolicyCommand];

export function runTrainer(argv: readonly string[], io?: CliIo): Promise<number> {
  const program = {
    name: 'steerable-train',
    description: 'Train steerable reward models (NP-BTL and baselines) and policies (NP-DPO).',
    version: ownVersion(import.meta.url),
    commands: TRAINER_COMMANDS,
  };
  return runCli(program, argv, io);
}
