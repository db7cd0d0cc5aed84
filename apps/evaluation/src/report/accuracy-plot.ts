import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { RewardEval, Stat } from './eval-contract.js';

interface PlotRow {
  model: string;
  user: string;
  k: number;
  accuracy: number;
  low: number;
  high: number;
}

function rowsOf(evals: RewardEval[], metric: 'heldout' | 'all_targets'): PlotRow[] {
  const rows: PlotRow[] = [];
  for (const e of evals) {
    const block = e[metric] as Record<string, Record<string, Stat>>;
    for (const [user, byK] of Object.entries(block)) {
      for (const [k, stat] of Object.entries(byK)) {
        rows.push({ model: e.model, user, k: Number(k), accuracy: stat.mean, low: stat.mean - stat.sem, high: stat.mean + stat.sem });
      }
    }
  }
  return rows;
}

/**
 * Accuracy versus k with standard-error bands, one panel per user type (and overall), one line
 * per model, rendered to SVG by Vega without a browser or canvas.
 */
export async function accuracyPlotSvg(evals: RewardEval[], metric: 'heldout' | 'all_targets' = 'heldout'): Promise<string> {
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: rowsOf(evals, metric) },
    facet: { field: 'user', type: 'nominal', title: null },
    columns: 3,
    spec: {
      width: 220,
      height: 170,
      layer: [
        { mark: { type: 'area', opacity: 0.2 }, encoding: { x: { field: 'k', type: 'quantitative' }, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color: { field: 'model', type: 'nominal' } } },
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'k', type: 'quantitative', title: 'context pairs k' },
            y: { field: 'accuracy', type: 'quantitative', title: metric === 'heldout' ? 'held-out accuracy' : 'all-target accuracy', scale: { zero: false } },
            color: { field: 'model', type: 'nominal' },
          },
        },
      ],
    },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
