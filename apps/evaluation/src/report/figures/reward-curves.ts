import type { TopLevelSpec } from 'vega-lite';
import type { RewardEval } from '../eval-contract.js';
import type { TableCell, TableColumn } from '../report-table.js';
import { type FigureDraft, slug, strokeLegend } from './figure.js';

/**
 * The paper's reward-curve figure: for 1-D options y, the learned r(y) per user type from k
 * context pairs (one line per k, ± one standard error over contexts), the true reward dashed.
 */
export function rewardCurveFigure(evaluation: RewardEval): FigureDraft | null {
  const curves = evaluation.reward_curves;
  if (!curves || curves.curves.length === 0) return null;
  const { grid, truth } = curves;
  const users = [...new Set(curves.curves.map((c) => c.user))].sort();
  const ks = [...new Set(curves.curves.map((c) => c.k))].sort((a, b) => a - b);
  const learned = curves.curves.flatMap((c) =>
    grid.map((y, g) => ({ user: c.user, k: c.k, y, r: c.mean[g]!, low: c.mean[g]! - c.sem[g]!, high: c.mean[g]! + c.sem[g]!, series: 'learned' })),
  );
  const trueRows = truth
    ? Object.entries(truth)
        .filter(([user]) => users.includes(user))
        .flatMap(([user, values]) => grid.map((y, g) => ({ user, y, r: values[g]!, series: 'true' })))
    : [];
  const x = { field: 'y', type: 'quantitative', title: 'option y' } as const;
  const color = strokeLegend({ field: 'k', type: 'ordinal', title: 'context pairs k', scale: { scheme: 'viridis', domain: ks } } as const);
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${evaluation.model}: learned reward r(y) per user type`,
    data: { values: [...learned, ...trueRows] },
    facet: { column: { field: 'user', type: 'nominal', title: null, sort: users } },
    spec: {
      width: 260,
      height: 190,
      layer: [
        {
          transform: [{ filter: "datum.series === 'learned'" }],
          mark: { type: 'area', opacity: 0.15 },
          encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color: color },
        },
        {
          transform: [{ filter: "datum.series === 'learned'" }],
          mark: { type: 'line', strokeWidth: 2 },
          encoding: { x, y: { field: 'r', type: 'quantitative', title: 'reward (standardised)' }, color: color },
        },
        {
          transform: [{ filter: "datum.series === 'true'" }],
          mark: { type: 'line', color: 'black', strokeDash: [6, 4], strokeWidth: 2 },
          encoding: { x, y: { field: 'r', type: 'quantitative' } },
        },
      ],
    },
  } as TopLevelSpec;
  const columns: TableColumn[] = [{ header: 'y', format: 'fixed', digits: 2 }];
  const valueRows: TableCell[][] = grid.map((y) => [y]);
  for (const user of users) {
    if (truth?.[user]) {
      columns.push({ header: `${user}: true`, format: 'fixed', digits: 3 });
      grid.forEach((_, g) => valueRows[g]!.push(truth[user]![g]!));
    }
    for (const k of ks) {
      const curve = curves.curves.find((c) => c.user === user && c.k === k);
      if (!curve) continue;
      columns.push({ header: `${user}: k = ${k}`, format: 'fixed', digits: 3 });
      grid.forEach((_, g) => valueRows[g]!.push({ mean: curve.mean[g]!, sem: curve.sem[g]!, n: curve.n }));
    }
  }
  const id = `reward-curve-${slug(evaluation.model)}`;
  return {
    id,
    title: `${evaluation.model}: learned reward curves`,
    caption:
      `r(y; z) inferred from k context pairs of each user type, averaged over ${curves.curves[0]!.n} contexts (band: ` +
      `± one standard error)${truth ? '; dashed black: the true reward' : ''}. Rewards are identified only up to a ` +
      `constant and their scale means nothing next to deterministic choices, so every curve is standardised over the ` +
      `grid (mean 0, standard deviation 1). A model that ignores the context draws one compromise curve in every ` +
      `panel.`,
    spec,
    tables: [
      {
        id: `${id}-fit`,
        caption: truth
          ? 'Root-mean-square gap between the learned and the true standardised curve (0 is a perfect shape), per user type and k.'
          : 'Contexts averaged per user type and k.',
        columns: [{ header: 'user type', format: 'text' }, ...ks.map((k) => ({ header: `k = ${k}`, format: 'fixed' as const, digits: 3 }))],
        rows: users.map((user) => [
          user,
          ...ks.map((k) => {
            const curve = curves.curves.find((c) => c.user === user && c.k === k);
            return curve ? (curve.rmse ?? curve.n) : null;
          }),
        ]),
      },
      { id: `${id}-values`, caption: 'The curves on the grid (mean ± standard error over contexts).', columns, rows: valueRows, folded: true },
    ],
  };
}
