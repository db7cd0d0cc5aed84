import type { TopLevelSpec } from 'vega-lite';
import type { RewardEval, Stat } from '../eval-contract.js';
import type { ReportTable, TableCell } from '../report-table.js';
import { DASH, type FigureDraft, strokeLegend } from './figure.js';

export type AccuracyMetric = 'heldout' | 'all_targets';

interface AccuracyRow {
  model: string;
  user: string;
  k: number;
  accuracy: number;
  low: number;
  high: number;
  role: 'model' | 'oracle';
}

/** User types in a stable order, `overall` last. */
export function userTypesOf(evals: readonly RewardEval[], metric: AccuracyMetric = 'heldout'): string[] {
  const users = new Set<string>();
  for (const e of evals) for (const user of Object.keys(e[metric])) if (user !== 'overall') users.add(user);
  return [...[...users].sort(), 'overall'];
}

/** An oracle (a model trained on one type's labels) is drawn only in that type's panel. */
function shownIn(e: RewardEval, user: string): boolean {
  return !e.oracle_for?.length || e.oracle_for.includes(user);
}

function rowsOf(evals: readonly RewardEval[], metric: AccuracyMetric): AccuracyRow[] {
  const rows: AccuracyRow[] = [];
  for (const e of evals) {
    const block = e[metric] as Record<string, Record<string, Stat>>;
    for (const [user, byK] of Object.entries(block)) {
      if (!shownIn(e, user)) continue;
      for (const [k, stat] of Object.entries(byK)) {
        rows.push({
          model: e.model,
          user,
          k: Number(k),
          accuracy: stat.mean,
          low: stat.mean - stat.sem,
          high: stat.mean + stat.sem,
          role: e.oracle_for?.length ? 'oracle' : 'model',
        });
      }
    }
  }
  return rows;
}

/** Accuracy (mean ± s.e. over tasks) per model and user type, one column per k. */
export function accuracyReportTable(evals: readonly RewardEval[], metric: AccuracyMetric, id: string): ReportTable {
  const ks = [...new Set(evals.flatMap((e) => e.k))].sort((a, b) => a - b);
  const rows: TableCell[][] = [];
  for (const e of evals) {
    const block = e[metric] as Record<string, Record<string, Stat>>;
    for (const user of userTypesOf([e], metric)) {
      const n = ks.map((k) => block[user]?.[String(k)]).find((stat) => stat !== undefined)?.n ?? null;
      rows.push([e.model + (e.oracle_for?.length ? ` (oracle: ${e.oracle_for.join(', ')})` : ''), user, n, ...ks.map((k) => block[user]?.[String(k)] ?? null)]);
    }
  }
  return {
    id,
    caption: `${metric === 'heldout' ? 'Held-out' : 'All-target'} accuracy (%), mean ± standard error over tasks; n = tasks per k.`,
    columns: [
      { header: 'model', format: 'text' },
      { header: 'user type', format: 'text' },
      { header: 'n', format: 'integer' },
      ...ks.map((k) => ({ header: `k = ${k}`, format: 'percent' as const })),
    ],
    rows,
  };
}

/**
 * Accuracy versus k with standard-error bands: one panel per user type (and overall), one line
 * per model, oracles dashed in their own type's panel, chance (50%) dotted.
 */
export function accuracyFigure(evals: readonly RewardEval[], metric: AccuracyMetric, models: readonly string[]): FigureDraft {
  const rows = rowsOf(evals, metric);
  const hasOracles = rows.some((r) => r.role === 'oracle');
  const color = strokeLegend({ field: 'model', type: 'nominal', scale: { domain: [...models] }, title: 'model' } as const);
  const x = { field: 'k', type: 'quantitative', title: 'context pairs k', axis: { tickMinStep: 1, format: 'd' } } as const;
  const title = metric === 'heldout' ? 'Held-out accuracy versus context size k' : 'All-target accuracy versus k (context pairs counted among the targets)';
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values: rows },
    facet: { field: 'user', type: 'nominal', title: null, sort: userTypesOf(evals, metric) },
    columns: 3,
    spec: {
      width: 230,
      height: 170,
      layer: [
        { mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color: color } },
        {
          mark: { type: 'line', point: true, strokeWidth: 2 },
          encoding: {
            x,
            y: {
              field: 'accuracy',
              type: 'quantitative',
              title: metric === 'heldout' ? 'held-out accuracy' : 'all-target accuracy',
              scale: { zero: false },
              axis: { format: '.0%' },
            },
            color: color,
            ...(hasOracles
              ? { strokeDash: { field: 'role', type: 'nominal', title: null, scale: { domain: ['model', 'oracle'], range: [DASH.solid, DASH.dashed] } } }
              : {}),
          },
        },
        { mark: { type: 'rule', color: '#999', strokeDash: [2, 3] }, encoding: { y: { datum: 0.5 } } },
      ],
    },
  } as TopLevelSpec;
  const id = metric === 'heldout' ? 'accuracy-vs-k' : 'accuracy-vs-k-all-targets';
  return {
    id,
    title,
    caption:
      metric === 'heldout'
        ? 'Pairwise accuracy on targets never in the context, per user type, versus the number of context pairs k. ' +
          'Bands: ± one standard error over tasks. Dashed: oracles (trained on that type only). Dotted: chance.'
        : 'Accuracy over the targets and the k context pairs themselves: higher by construction, shown only for comparison with work that reported it.',
    spec,
    tables: [accuracyReportTable(evals, metric, `${id}-table`)],
  };
}
