import { type CliIo, type CommandRegistrar, registerInfoCommand, runCli } from '@steerable/trainer';

export const EVALUATION_COMMANDS: CommandRegistrar[] = [registerInfoCommand];

export function runEvaluation(argv: string[], io?: CliIo): Promise<number> {
  return runCli('steerable-eval', 'Evaluate steerable reward models and policies: accuracy and win-rate versus context size k.', EVALUATION_COMMANDS, argv, io);
}
