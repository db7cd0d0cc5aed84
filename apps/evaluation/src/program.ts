import { type CliIo, type CommandRegistrar, registerInfoCommand, runCli } from '@steerable/trainer';
import { registerRewardEvalCommand } from './commands/reward.js';
import { registerPolicyEvalCommand } from './commands/policy.js';
import { registerReportCommand } from './commands/report.js';

export const EVALUATION_COMMANDS: CommandRegistrar[] = [registerInfoCommand, registerRewardEvalCommand, registerPolicyEvalCommand, registerReportCommand];

export function runEvaluation(argv: string[], io?: CliIo): Promise<number> {
  return runCli('steerable-eval', 'Evaluate steerable reward models and policies: accuracy and win-rate versus context size k.', EVALUATION_COMMANDS, argv, io);
}
