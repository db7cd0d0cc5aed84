import type { Command } from 'commander';
import { SteerableError } from '@steerable/core';
import { PreferenceFileReader, type PreferenceFormatName, writeTrlJsonl } from '@steerable/preference-data';
import type { CliContext } from '@steerable/cli-kit';
import { parseFormatName } from './data-inspect.js';

interface ConvertFlags {
  format?: PreferenceFormatName;
  to: string;
  out: string;
}

const TARGETS = ['trl-jsonl'] as const;

/** `data convert FILE --to trl-jsonl --out OUT`: re-write valid pairs; refuse files with errors. */
export function registerDataConvertCommand(data: Command, context: CliContext): void {
  data
    .command('convert')
    .argument('<file>', 'a preference data file')
    .description('convert a preference data file to TRL JSON Lines ({prompt, chosen, rejected, user_id, split}); stops at the first invalid record')
    .requiredOption('--to <target>', `output format (${TARGETS.join(', ')})`)
    .requiredOption('--out <path>', 'output file (.jsonl, or .jsonl.gz to compress)')
    .option('--format <name>', 'input record format; detected when omitted', parseFormatName)
    .action(async (file: string, flags: ConvertFlags) => {
      if (!(TARGETS as readonly string[]).includes(flags.to)) {
        throw new SteerableError('invalid-argument', `unknown output format '${flags.to}'`, { field: '--to', hint: `use one of ${TARGETS.join(', ')}` });
      }
      const reader = new PreferenceFileReader(file, { ...(flags.format ? { format: flags.format } : {}), strict: true });
      const written = await writeTrlJsonl(flags.out, reader.pairs());
      context.logger.info(`wrote ${written} pairs from ${file} (${reader.format}) to ${flags.out}`);
      context.io.stdout(`${written} pairs written to ${flags.out}\n`);
    });
}
