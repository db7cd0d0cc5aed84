import type { TopLevelSpec } from 'vega-lite';
import type { ReportTable } from '../report-table.js';

/** A figure before rendering: a Vega-Lite spec with inline data, and the tables of the numbers it plots. */
export interface FigureDraft {
  /** File-name-safe and unique within a report: figures/<id>.svg and .png. */
  id: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
  tables: ReportTable[];
}

/** A lowercase slug for ids and file names. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'run'
  );
}

/** Numeric-string keys of a by-k record in increasing k. */
export function sortedKs(byK: Record<string, unknown>): number[] {
  return Object.keys(byK)
    .map(Number)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
}

/** Dashes for lines: solid for models, dashed for oracles and baselines. */
export const DASH = { solid: [1, 0], dashed: [6, 4] } as const;

/**
 * A colour encoding whose legend shows line strokes at full opacity. Every layer of a figure uses
 * the same one (bands, lines, levels): layers that disagree on legend properties make Vega-Lite
 * drop the legend, and left to itself it draws the bands' pale swatches.
 */
export function strokeLegend<T extends object>(color: T): T & { legend: { symbolType: 'stroke'; symbolStrokeWidth: number; symbolOpacity: number } } {
  return { ...color, legend: { symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 } };
}
