import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliContext } from '@steerable/cli-kit';
import { buildReport, reportJson } from '../report/build-report.js';
import { readReportRuns } from '../report/run-files.js';
import { writeReport } from '../report/write-report.js';

interface ReportFlags {
  runs: string[];
  out: string;
  title?: string;
  json?: boolean;
}

/**
 * `steerable-eval report --runs DIR... --out DIR`: one self-contained report.html for any mix of
 * reward and policy runs (their eval.json, metrics.jsonl and config.json, whichever exist), every
 * figure as SVG and PNG under figures/, and report.json with the numbers. Trains and evaluates
 * nothing, so it needs no backend.
 */
export function registerReportCommand(program: Command, context: CliContext): void {
  program
    .command('report')
    .description('write report.html (self-contained), figures/*.svg|png and report.json for reward and policy runs already evaluated')
    .requiredOption('--runs <dir...>', 'run directories (or folders holding eval.json, or a folder of them such as eval-comparison/)')
    .requiredOption('--out <dir>', 'where report.html, report.json and figures/ go')
    .option('--title <text>', 'the page title')
    .option('--json', 'print report.json to stdout (headers, figure files and sizes, every table) instead of the summary')
    .action(async (flags: ReportFlags) => {
      const logger = flags.json ? context.quietLogger : context.logger;
      const runs = await readReportRuns(flags.runs);
      for (const run of runs) for (const warning of run.warnings) logger.warn(`${run.dir}: ${warning}`);
      const document = await buildReport(runs, flags.title ? { title: flags.title } : {});
      for (const figure of document.figures) for (const warning of figure.warnings) logger.warn(`${figure.id}: ${warning}`);
      const outDir = resolve(flags.out);
      const written = await writeReport(outDir, document);
      if (flags.json) {
        context.io.stdout(`${JSON.stringify(reportJson(document), null, 2)}\n`);
        return;
      }
      const lines = runs.map((r) => `  ${r.name.padEnd(28)} ${r.evaluation ? `${r.evaluation.kind} eval` : 'no eval.json'}, ${r.metrics.length} metrics rows`);
      context.io.stdout(`${lines.join('\n')}\n${document.figures.length} figures -> ${written.html}\n`);
    });
}
