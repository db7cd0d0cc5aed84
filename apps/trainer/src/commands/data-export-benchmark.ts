import { type Command, Option } from 'commander';
import { resolve } from 'node:path';
import { generateSteerableText } from '@steerable/conditioned-dpo';
import { SteerableError } from '@steerable/core';
import { writeTrlJsonl } from '@steerable/preference-data';
import type { CliContext } from '@steerable/cli-kit';

/**
 * `data export-benchmark steerable-text --out FILE`: the steerable-text benchmark's preference pairs
 * as a TRL file with `user_id` and `split` columns, exactly what its presets train on, so the same
 * runs can be reproduced through `--data FILE` (and the file inspected like any user's data).
 */
export function registerDataExportBenchmarkCommand(data: Command, context: CliContext): void {
  data
    .command('export-benchmark')
    .description('write a built-in benchmark as a TRL preference file (user_id, split columns)')
    .argument('<benchmark>', 'steerable-text')
    .requiredOption('--out <file>', 'the JSONL file to write (.gz to compress)')
    .addOption(new Option('--seed <n>', "the generator seed (default: the presets')").argParser((v) => Number.parseInt(v, 10)))
    .action(async (benchmark: string, flags: { out: string; seed?: number }) => {
      if (benchmark !== 'steerable-text') throw new SteerableError('invalid-argument', `no benchmark named '${benchmark}'`, { hint: 'use steerable-text' });
      const out = resolve(flags.out);
      const count = await writeTrlJsonl(out, generateSteerableText(flags.seed !== undefined ? { seed: flags.seed } : {}));
      context.logger.info(`wrote ${count} preference pairs to ${out}`);
    });
}
