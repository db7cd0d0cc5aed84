import type { RewardEval } from './eval-contract.js';
import { accuracyPlotSvg } from './accuracy-plot.js';
import { accuracyTable } from './format-table.js';

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A self-contained HTML report (inline SVG, no scripts, no network) for one or more evaluations. */
export async function rewardReportHtml(evals: RewardEval[], title = 'steerable: reward model evaluation'): Promise<string> {
  const heldout = await accuracyPlotSvg(evals, 'heldout');
  const all = await accuracyPlotSvg(evals, 'all_targets');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px}pre{background:#f6f8fa;padding:1rem;overflow:auto}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Pairwise accuracy versus the number of context pairs k given to the model, per user type. Held-out targets never appear in the context; the second plot counts context pairs among the targets too (higher by construction, shown only for comparison with work that reported it).</p>
<h2>Held-out accuracy</h2>
${heldout}
<pre>${escapeHtml(accuracyTable(evals, 'heldout'))}</pre>
<h2>All-target accuracy (context included)</h2>
${all}
<pre>${escapeHtml(accuracyTable(evals, 'all_targets'))}</pre>
</body></html>
`;
}
