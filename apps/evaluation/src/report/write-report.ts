import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '@steerable/core';
import { buildReport, type BuildReportOptions, type ReportDocument, reportJson } from './build-report.js';
import { reportHtml } from './report-html.js';
import { readReportRuns } from './run-files.js';

export interface WrittenReport {
  document: ReportDocument;
  /** Absolute paths of report.html and report.json. */
  html: string;
  json: string;
}

/** Writes report.html, report.json and figures/<id>.svg|.png under `outDir`, each atomically. */
export async function writeReport(outDir: string, document: ReportDocument): Promise<WrittenReport> {
  for (const figure of document.figures) {
    await writeFileAtomic(join(outDir, figure.files.svg), figure.svg);
    await writeFileAtomic(join(outDir, figure.files.png), figure.png);
  }
  const html = join(outDir, 'report.html');
  const json = join(outDir, 'report.json');
  await writeJsonAtomic(json, reportJson(document));
  await writeFileAtomic(html, reportHtml(document));
  return { document, html, json };
}

/** Reads run directories, builds the report and writes it: what `steerable-eval report` and the reward/policy commands call. */
export async function reportRuns(runDirs: readonly string[], outDir: string, options: BuildReportOptions = {}): Promise<WrittenReport> {
  return writeReport(outDir, await buildReport(await readReportRuns(runDirs), options));
}
