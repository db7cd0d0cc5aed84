import type { TopLevelSpec } from 'vega-lite';
import type { MeanSem, PolicyEval } from '../eval-contract.js';
import type { TableCell } from '../report-table.js';
import { type FigureDraft, slug, sortedKs, strokeLegend } from './figure.js';

const valid = (s: MeanSem | undefined): s is MeanSem & { mean: number } => s !== undefined && s.mean !== null && Number.isFinite(s.mean);

/**
 * Implicit accuracy (beta log pi/pi_ref of the better response above the worse, by the oracle)
 * per user type versus k, ± one standard error; the unconditional baselines as dashed levels.
 */
export function policyImplicitAccuracyFigure(evaluation: PolicyEval): FigureDraft {
  const types = Object.keys(evaluation.implicit_accuracy).sort();
  const ks = [...new Set(types.flatMap((t) => sortedKs(evaluation.implicit_accuracy[t]!)))].sort((a, b) => a - b);
  const rows = types.flatMap((type) =>
    sortedKs(evaluation.implicit_accuracy[type]!).flatMap((k) => {
      const s = evaluation.implicit_accuracy[type]![String(k)];
      return valid(s) ? [{ type, k, mean: s.mean, low: s.mean - (s.sem ?? 0), high: s.mean + (s.sem ?? 0), series: evaluation.model }] : [];
    }),
  );
  const baselines = Object.entries(evaluation.baselines ?? {}).flatMap(([name, b]) =>
    types.flatMap((type) => {
      const s = b.implicit_accuracy?.[type];
      return valid(s) ? [{ type, value: s.mean, series: name }] : [];
    }),
  );
  const series = [evaluation.model, ...new Set(baselines.map((b) => b.series))];
  const color = strokeLegend({ field: 'series', type: 'nominal', title: 'policy', scale: { domain: series } } as const);
  const x = {
    field: 'k',
    type: 'quantitative',
    title: 'context pairs k',
    scale: { domain: [Math.min(...ks), Math.max(...ks)] },
    axis: { tickMinStep: 1, format: 'd' },
  } as const;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${evaluation.model}: implicit accuracy per user type`,
    data: { values: [...rows.map((r) => ({ ...r, layer: 'model' })), ...baselines.map((b) => ({ ...b, layer: 'baseline' }))] },
    facet: { column: { field: 'type', type: 'nominal', title: null, sort: types } },
    spec: {
      width: 240,
      height: 180,
      layer: [
        {
          transform: [{ filter: "datum.layer === 'model'" }],
          mark: { type: 'area', opacity: 0.18 },
          encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color: color },
        },
        {
          transform: [{ filter: "datum.layer === 'model'" }],
          mark: { type: 'line', point: true, strokeWidth: 2 },
          encoding: {
            x,
            y: { field: 'mean', type: 'quantitative', title: 'implicit accuracy', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
            color: color,
          },
        },
        {
          transform: [{ filter: "datum.layer === 'baseline'" }],
          mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5 },
          encoding: { y: { field: 'value', type: 'quantitative' }, color: color },
        },
      ],
    },
  } as TopLevelSpec;
  const tableRows: TableCell[][] = [
    ...types.map((type) => [evaluation.model, type, ...ks.map((k) => evaluation.implicit_accuracy[type]?.[String(k)] ?? null)]),
    ...Object.entries(evaluation.baselines ?? {}).flatMap(([name, b]) =>
      types.map((type) => [`${name} (any k)`, type, ...ks.map(() => b.implicit_accuracy?.[type] ?? null)]),
    ),
  ];
  const id = `policy-implicit-accuracy-${slug(evaluation.model)}`;
  return {
    id,
    title: `${evaluation.model}: implicit accuracy versus k`,
    caption:
      'Share of held-out pairs (never in the context) whose oracle-preferred response gets the higher implicit ' +
      'reward beta log pi(y|x,z)/pi_ref(y|x), per user type, versus k; band ± one standard error over tasks. Dashed: ' +
      'unconditional baselines (DPO-mixed, per-type DPO oracles), the same at every k.',
    spec,
    tables: [
      {
        id: `${id}-table`,
        caption: 'Implicit accuracy (%), mean ± standard error over tasks.',
        columns: [
          { header: 'policy', format: 'text' },
          { header: 'user type', format: 'text' },
          ...ks.map((k) => ({ header: `k = ${k}`, format: 'percent' as const })),
        ],
        rows: tableRows,
      },
    ],
  };
}
