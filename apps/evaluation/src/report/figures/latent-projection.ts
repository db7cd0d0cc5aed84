import type { TopLevelSpec } from 'vega-lite';
import type { RewardEval } from '../eval-contract.js';
import type { TableCell } from '../report-table.js';
import { type FigureDraft, slug } from './figure.js';

/**
 * The inferred z of test users projected on two principal axes (fitted to every k together, so
 * the panels share axes), one panel per k, coloured by the user's true type.
 */
export function latentProjectionFigure(evaluation: RewardEval): FigureDraft | null {
  const latents = evaluation.latents;
  if (!latents || latents.points.length === 0) return null;
  const ks = [...new Set(latents.points.map((p) => p.k))].sort((a, b) => a - b);
  const rows = latents.points.map((p) => ({ k: `k = ${p.k}`, user: p.user, x: p.xy[0], y: p.xy[1] }));
  const [v1, v2] = latents.explained_variance_ratio.map((v) => `${(100 * v).toFixed(v < 0.1 ? 1 : 0)}%`);
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${evaluation.model}: inferred z of test users`,
    data: { values: rows },
    facet: { column: { field: 'k', type: 'nominal', title: null, sort: ks.map((k) => `k = ${k}`) } },
    spec: {
      width: 220,
      height: 200,
      mark: { type: 'point', filled: true, opacity: 0.7, size: 40 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: `PC 1 (${v1} of variance)`, scale: { zero: false, nice: true } },
        y: { field: 'y', type: 'quantitative', title: `PC 2 (${v2})`, scale: { zero: false, nice: true } },
        color: { field: 'user', type: 'nominal', title: 'true type' },
        shape: { field: 'user', type: 'nominal', title: 'true type' },
      },
    },
  } as TopLevelSpec;
  // Per type and k: how many users, where their centre lies, how far they spread around it.
  const summary: TableCell[][] = [];
  for (const k of ks) {
    for (const user of [...new Set(latents.points.map((p) => p.user))].sort()) {
      const points = latents.points.filter((p) => p.k === k && p.user === user);
      if (points.length === 0) continue;
      const cx = points.reduce((s, p) => s + p.xy[0], 0) / points.length;
      const cy = points.reduce((s, p) => s + p.xy[1], 0) / points.length;
      const spread = Math.sqrt(points.reduce((s, p) => s + (p.xy[0] - cx) ** 2 + (p.xy[1] - cy) ** 2, 0) / points.length);
      summary.push([k, user, points.length, cx, cy, spread]);
    }
  }
  const id = `latents-${slug(evaluation.model)}`;
  return {
    id,
    title: `${evaluation.model}: inferred user representation z`,
    caption:
      `z inferred from k context pairs for test users, on the first two principal axes of all the points shown ` +
      `(${v1} and ${v2} of their variance; axis signs fixed so the picture is reproducible). Colour and shape: the ` +
      `user's true type. A model that identifies the type separates the colours once k is large enough.`,
    spec,
    tables: [
      {
        id: `${id}-summary`,
        caption: 'Per k and true type: users, centre of their points and root-mean-square distance from it.',
        columns: [
          { header: 'k', format: 'integer' },
          { header: 'true type', format: 'text' },
          { header: 'users', format: 'integer' },
          { header: 'centre PC 1', format: 'fixed', digits: 3 },
          { header: 'centre PC 2', format: 'fixed', digits: 3 },
          { header: 'spread', format: 'fixed', digits: 3 },
        ],
        rows: summary,
      },
      {
        id: `${id}-points`,
        caption: 'Every point (the full z vectors are in eval.json).',
        columns: [
          { header: 'k', format: 'integer' },
          { header: 'true type', format: 'text' },
          { header: 'PC 1', format: 'fixed', digits: 4 },
          { header: 'PC 2', format: 'fixed', digits: 4 },
        ],
        rows: latents.points.map((p) => [p.k, p.user, p.xy[0], p.xy[1]]),
        folded: true,
      },
    ],
  };
}
