import { type CliIo, type CommandRegistrar, ownVersion, registerInfoCommand, runCli } from '@steerable/cli-kit';
import { registerPolicyEvalCommand } from './commands/policy.js';
import { registerReportCommand } from './commands/report.js';
import { registerRewardEvalCommand } from './commands/reward.js';
import { registerScoreCommand } from './commands/score.js';

export const EVALUATION_COMMANDS: readonly CommandRegistrar[] = [
  registerInfoCommand,
  registerRewardEvalCommand,
  registerPolicyEvalCommand,
  registerReportCommand,
  registerScoreCommand,
];

export function runEvaluation(argv: readonly string[], io?: CliIo): Promise<number> {
  const program = {
    name: 'steerable-eval',
    description: 'Evaluate steerable reward models and policies: accuracy and win-rate versus context size k.',
    version: ownVersion(import.meta.url),
    commands: EVALUATION_COMMANDS,
  };
  return runCli(program, argv, io);
}
