import type { Command } from 'commander';
import type { CliContext } from '@steerable/cli-kit';
import { registerDataConvertCommand } from './data-convert.js';
import { registerDataExportBenchmarkCommand } from './data-export-benchmark.js';
import { registerDataInspectCommand } from './data-inspect.js';

/** `data`: inspect and convert preference data files. */
export function registerDataCommand(program: Command, context: CliContext): void {
  const data = program
    .command('data')
    .description('inspect and convert preference data files (TRL, HH-RLHF, relabeled HH, UltraFeedback; JSONL, CSV, parquet)');
  registerDataInspectCommand(data, context);
  registerDataConvertCommand(data, context);
  registerDataExportBenchmarkCommand(data, context);
}
