import type { TopLevelSpec } from 'vega-lite';
import type { MeanSem, PolicyEval } from '../eval-contract.js';
import type { TableCell } from '../report-table.js';
import { type FigureDraft, slug, sortedKs, strokeLegend } from './figure.js';

const valid = (s: MeanSem | undefined): s is MeanSem & { mean: number } => s !== undefined && s.mean !== null && Number.isFinite(s.mean);

/**
 * Steering in both directions: for generations conditioned on each type's context (one panel
 * per type), the reward every type's oracle gives them versus k; DPO-mixed's level dashed.
 */
export function policyOracleRewardFigure(evaluation: PolicyEval): FigureDraft {
  const conditioned = Object.keys(evaluation.oracle_reward).sort();
  const judges = [...new Set(conditioned.flatMap((c) => Object.keys(evaluation.oracle_reward[c]!)))].sort();
  const ks = [...new Set(conditioned.flatMap((c) => judges.flatMap((j) => sortedKs(evaluation.oracle_reward[c]![j] ?? {}))))].sort((a, b) => a - b);
  const rows = conditioned.flatMap((c) =>
    judges.flatMap((judge) =>
      sortedKs(evaluation.oracle_reward[c]![judge] ?? {}).flatMap((k) => {
        const s = evaluation.oracle_reward[c]![judge]![String(k)];
        return valid(s)
          ? [{ conditioned: `conditioned on ${c}`, judge, k, mean: s.mean, low: s.mean - (s.sem ?? 0), high: s.mean + (s.sem ?? 0), layer: 'model' }]
          : [];
      }),
    ),
  );
  const mixed = evaluation.baselines?.['dpo-mixed']?.oracle_reward ?? {};
  const levels = conditioned.flatMap((c) =>
    judges.flatMap((judge) => (valid(mixed[judge]) ? [{ conditioned: `conditioned on ${c}`, judge, value: mixed[judge].mean, layer: 'baseline' }] : [])),
  );
  const color = strokeLegend({ field: 'judge', type: 'nominal', title: 'scored by oracle', scale: { domain: judges } } as const);
  const x = { field: 'k', type: 'quantitative', title: 'context pairs k', axis: { tickMinStep: 1, format: 'd' } } as const;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${evaluation.model}: oracle rewards of generations`,
    data: { values: [...rows, ...levels] },
    facet: { column: { field: 'conditioned', type: 'nominal', title: null, sort: conditioned.map((c) => `conditioned on ${c}`) } },
    spec: {
      width: 240,
      height: 180,
      layer: [
        {
          transform: [{ filter: "datum.layer === 'model'" }],
          mark: { type: 'area', opacity: 0.15 },
          encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color: color },
        },
        {
          transform: [{ filter: "datum.layer === 'model'" }],
          mark: { type: 'line', point: true, strokeWidth: 2 },
          encoding: { x, y: { field: 'mean', type: 'quantitative', title: 'oracle reward' }, color: color },
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
    ...conditioned.flatMap((c) => judges.map((judge) => [c, judge, ...ks.map((k) => evaluation.oracle_reward[c]![judge]?.[String(k)] ?? null)])),
    ...judges.flatMap((judge) => (mixed[judge] ? [['dpo-mixed (any k)', judge, ...ks.map(() => mixed[judge]!)]] : [])),
  ];
  const id = `policy-oracle-reward-${slug(evaluation.model)}`;
  return {
    id,
    title: `${evaluation.model}: oracle rewards by steering direction`,
    caption:
      'Each panel holds generations conditioned on k context pairs of one user type; each line is the mean reward ' +
      "one type's oracle gives them (band ± one standard error). Steering works both ways when, in every panel, the " +
      "conditioning type's reward rises with k and the other's falls. Dashed: DPO-mixed's generations under each " +
      'oracle.',
    spec,
    tables: [
      {
        id: `${id}-table`,
        caption: 'Mean oracle reward of generations, ± standard error over prompts.',
        columns: [
          { header: 'conditioned on', format: 'text' },
          { header: 'scored by', format: 'text' },
          ...ks.map((k) => ({ header: `k = ${k}`, format: 'fixed' as const, digits: 3 })),
        ],
        rows: tableRows,
      },
    ],
  };
}
