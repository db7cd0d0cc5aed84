import { type Command, InvalidArgumentError } from 'commander';
import { type FileInspection, inspectFile, PREFERENCE_FORMAT_NAMES, type PreferenceFormatName } from '@steerable/preference-data';
import type { CliContext } from '@steerable/cli-kit';

interface InspectFlags {
  format?: PreferenceFormatName;
  json?: boolean;
  maxErrors: number;
}

export function parseFormatName(value: string): PreferenceFormatName {
  if (!(PREFERENCE_FORMAT_NAMES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`unknown format '${value}'; use one of ${PREFERENCE_FORMAT_NAMES.join(', ')}`);
  return value as PreferenceFormatName;
}

export function parsePositiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`'${value}' is not a non-negative integer`);
  return n;
}

/** `data inspect FILE`: validate every record, count pairs per user and split; exit 2 on errors. */
export function registerDataInspectCommand(data: Command, context: CliContext): void {
  data
    .command('inspect')
    .argument('<file>', 'a preference data file (.jsonl, .jsonl.gz, .csv, .parquet)')
    .description('validate every record of a preference data file and count pairs per user and split (exit 2 when it has errors)')
    .option('--format <name>', `record format (${PREFERENCE_FORMAT_NAMES.join(', ')}); detected when omitted`, parseFormatName)
    .option('--json', 'print JSON {format, pairs, users, splits, errors} instead of text')
    .option('--max-errors <n>', 'errors to list in full', parsePositiveInteger, 20)
    .action(async (file: string, flags: InspectFlags) => {
      const report = await inspectFile(file, { ...(flags.format ? { format: flags.format } : {}), maxErrors: flags.maxErrors });
      context.exitCode = report.errorCount > 0 ? 2 : 0;
      if (flags.json) {
        context.io.stdout(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      context.io.stdout(formatInspection(report));
    });
}

export function formatInspection(report: FileInspection): string {
  const count = (n: number): string => n.toLocaleString('en-US');
  const table = (counts: Record<string, number>): string[] =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([name, n]) => `  ${name.padEnd(28)} ${count(n).padStart(10)}`);
  const lines = [
    `file     ${report.file}`,
    `format   ${report.format ?? 'unknown'} (${report.container ?? '?'})`,
    `records  ${count(report.records)}`,
    `pairs    ${count(report.pairs)}`,
    'users',
    ...table(report.users),
    'splits',
    ...table(report.splits),
    `errors   ${count(report.errorCount)}`,
    ...report.errors.map(
      (e) => `  ${e.file}${e.line !== undefined ? `:${e.line}` : ''}: ${e.field !== undefined ? `field '${e.field}': ` : ''}${e.message}\n    fix: ${e.hint}`,
    ),
  ];
  if (report.errorCount > report.errors.length)
    lines.push(`  ... and ${count(report.errorCount - report.errors.length)} more (raise --max-errors to list them)`);
  return `${lines.join('\n')}\n`;
}
