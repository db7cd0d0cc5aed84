import type { TopLevelSpec } from 'vega-lite';
import type { MeanSem, PolicyEval } from '../eval-contract.js';
import type { TableCell } from '../report-table.js';
import { type FigureDraft, slug, sortedKs, strokeLegend } from './figure.js';

const valid = (s: MeanSem | undefined): s is MeanSem & { mean: number } => s !== undefined && s.mean !== null && Number.isFinite(s.mean);

/**
 * Win rate of generations conditioned on each user type's context against DPO-mixed's for the
 * same prompt, judged by that type's oracle (ties 1/2), versus k; each type's own DPO oracle dashed.
 */
export function policyWinRateFigure(evaluation: PolicyEval): FigureDraft {
  const types = Object.keys(evaluation.win_rate).sort();
  const ks = [...new Set(types.flatMap((t) => sortedKs(evaluation.win_rate[t]!)))].sort((a, b) => a - b);
  const rows = types.flatMap((type) =>
    sortedKs(evaluation.win_rate[type]!).flatMap((k) => {
      const s = evaluation.win_rate[type]![String(k)];
      return valid(s) ? [{ type, k, mean: s.mean, low: s.mean - (s.sem ?? 0), high: s.mean + (s.sem ?? 0), layer: 'model' }] : [];
    }),
  );
  const oracles = types.flatMap((type) => {
    const s = evaluation.baselines?.[`dpo-${type}`]?.win_rate?.[type];
    return valid(s) ? [{ type, value: s.mean, layer: 'oracle' }] : [];
  });
  const color = strokeLegend({ field: 'type', type: 'nominal', title: 'conditioned on / judged by', scale: { domain: types } } as const);
  const x = { field: 'k', type: 'quantitative', title: 'context pairs k', axis: { tickMinStep: 1, format: 'd' } } as const;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${evaluation.model}: win rate against DPO-mixed`,
    data: { values: [...rows, ...oracles] },
    width: 320,
    height: 200,
    layer: [
      { mark: { type: 'rule', color: '#999', strokeDash: [2, 3] }, encoding: { y: { datum: 0.5 } } },
      {
        transform: [{ filter: "datum.layer === 'model'" }],
        mark: { type: 'area', opacity: 0.18 },
        encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color: color },
      },
      {
        transform: [{ filter: "datum.layer === 'model'" }],
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: { x, y: { field: 'mean', type: 'quantitative', title: 'win rate', scale: { domain: [0, 1] }, axis: { format: '.0%' } }, color: color },
      },
      {
        transform: [{ filter: "datum.layer === 'oracle'" }],
        mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5 },
        encoding: { y: { field: 'value', type: 'quantitative' }, color: color },
      },
    ],
  } as TopLevelSpec;
  const tableRows: TableCell[][] = [
    ...types.map((type) => [evaluation.model, type, ...ks.map((k) => evaluation.win_rate[type]?.[String(k)] ?? null)]),
    ...types.flatMap((type) => {
      const s = evaluation.baselines?.[`dpo-${type}`]?.win_rate?.[type];
      return s ? [[`dpo-${type} (any k)`, type, ...ks.map(() => s)]] : [];
    }),
  ];
  const id = `policy-win-rate-${slug(evaluation.model)}`;
  return {
    id,
    title: `${evaluation.model}: win rate against DPO-mixed`,
    caption:
      'Per user type: how often the generation conditioned on k context pairs of that type scores higher under that ' +
      "type's oracle than DPO-mixed's generation for the same prompt (ties count 1/2). Dotted: 50%. Dashed: the " +
      "type's own DPO oracle policy, where it was trained.",
    spec,
    tables: [
      {
        id: `${id}-table`,
        caption: 'Win rate against DPO-mixed (%), mean ± standard error over prompts.',
        columns: [
          { header: 'policy', format: 'text' },
          { header: 'type', format: 'text' },
          ...ks.map((k) => ({ header: `k = ${k}`, format: 'percent' as const })),
        ],
        rows: tableRows,
      },
    ],
  };
}
