import type { RenderedFigure, ReportDocument } from './build-report.js';
import { formatCell, isStatCell, type ReportTable } from './report-table.js';
import { formatDuration, type RunHeader } from './run-header.js';

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// Inline and small: the page must render with no request at all (no web fonts, no scripts).
const STYLE = `
:root{color-scheme:light;--muted:#57606a;--line:#d0d7de;--soft:#f6f8fa}
body{font-family:system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;margin:2rem auto;max-width:1180px;padding:0 1rem;color:#1f2328;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.5rem;border-bottom:1px solid var(--line);padding-bottom:.3rem}h3{margin-top:2rem}
nav ul{columns:2;padding-left:1.2rem}nav a{color:#0969da}
.figure{margin:1.5rem 0 2rem;padding:0}.plot{overflow-x:auto}.plot svg{max-width:100%;height:auto;display:block}
figcaption{color:var(--muted);font-size:.92rem;margin:.5rem 0 .8rem;max-width:80ch}figcaption a{color:#0969da}
table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0 1rem;font-variant-numeric:tabular-nums}
caption{text-align:left;color:var(--muted);padding-bottom:.3rem;caption-side:top}
th,td{border:1px solid var(--line);padding:.2rem .55rem}th{background:var(--soft);font-weight:600}td.num{text-align:right;white-space:nowrap}
details{margin:.3rem 0 1rem}summary{cursor:pointer;color:var(--muted);font-size:.9rem}
dl.run{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;background:var(--soft);border:1px solid var(--line);border-radius:6px;
  padding:.8rem 1rem;font-size:.9rem}
dl.run dt{color:var(--muted)}dl.run dd{margin:0;word-break:break-all}
.warning{color:#9a6700}
`;

function tableHtml(table: ReportTable): string {
  const numeric = table.columns.map((c) => c.format !== 'text');
  const head = table.columns.map((c) => `<th scope="col">${escapeHtml(c.header)}</th>`).join('');
  const body = table.rows
    .map(
      (row) =>
        `<tr>${row
          .map((cell, i) => {
            const column = table.columns[i] ?? { header: '' };
            const isNumber = numeric[i] && (typeof cell === 'number' || isStatCell(cell) || cell === null);
            return `<td${isNumber ? ' class="num"' : ''}>${escapeHtml(formatCell(cell, column))}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  const html =
    `<table ` +
    `id="table-${escapeHtml(table.id)}"><caption>${escapeHtml(table.caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
  return table.folded ? `<details><summary>${escapeHtml(table.caption)} (${table.rows.length} rows)</summary>${html}</details>` : html;
}

function figureHtml(figure: RenderedFigure): string {
  return `<figure class="figure" id="fig-${escapeHtml(figure.id)}" data-figure="${escapeHtml(figure.id)}">
<div class="plot">${figure.svg}</div>
<figcaption><strong>${escapeHtml(figure.title)}.</strong> ${escapeHtml(figure.caption)}
<a href="${escapeHtml(figure.files.svg)}">SVG</a> · <a href="${escapeHtml(figure.files.png)}">PNG</a>
(${figure.pngSize.width}×${figure.pngSize.height})</figcaption>
${figure.tables.map(tableHtml).join('\n')}
</figure>`;
}

function headerHtml(header: RunHeader): string {
  const value = (v: string | number | null) => (v === null || v === '' ? '-' : escapeHtml(String(v)));
  const wall =
    header.wallTimeSeconds === null
      ? '-'
      : escapeHtml(formatDuration(header.wallTimeSeconds)) +
        (header.wallTimeSource === 'recorded' ? '' : ` <span title="not recorded by the run">(from ${escapeHtml(header.wallTimeSource ?? '')})</span>`);
  const rows: Array<[string, string]> = [
    ['model', value(header.model)],
    ['data', value(header.data)],
    [
      'config digest',
      header.configDigest ? `<code title="SHA-256 of config.json, keys sorted, created_at and backend left out">${header.configDigest}</code>` : '-',
    ],
    ['backend', value(header.backend)],
    ['threads', value(header.threads)],
    ['seed', value(header.seed)],
    ['steps', value(header.steps)],
    ['wall time', wall],
    ['best step', value(header.bestStep)],
    ['directory', `<code>${escapeHtml(header.dir)}</code>`],
    ['evaluation', header.evaluation ? `<code>${escapeHtml(header.evaluation)}</code>` : 'none found (eval.json or eval/eval.json)'],
  ];
  const warnings = header.warnings.map((w) => `<p class="warning">${escapeHtml(w)}</p>`).join('');
  return `<dl class="run" data-run="${escapeHtml(header.name)}">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>${warnings}`;
}

/**
 * One self-contained HTML page: styles inline, figures as inline SVG, tables as HTML tables, no
 * script and no external resource, so it opens offline and from an e-mail attachment alike.
 */
export function reportHtml(document: ReportDocument): string {
  const byId = new Map(document.figures.map((f) => [f.id, f]));
  const figures = (ids: readonly string[]) => ids.map((id) => figureHtml(byId.get(id)!)).join('\n');
  const nav = [
    ...(document.comparison.length ? [`<li><a href="#comparison">Comparison</a></li>`] : []),
    ...document.runs.map((r, i) => `<li><a href="#run-${i}">${escapeHtml(r.header.name)}</a> (${r.header.kind})</li>`),
  ].join('');
  const sections = document.runs
    .map(
      (r, i) => `<section id="run-${i}" class="run-section">
<h2>${escapeHtml(r.header.name)} <small>(${r.header.kind})</small></h2>
${headerHtml(r.header)}
${r.figures.length ? figures(r.figures) : '<p>No figure: this run has no metrics or evaluation yet.</p>'}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.title)}</title>
<style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(document.title)}</h1>
<p>${document.runs.length} run${document.runs.length === 1 ? '' : 's'}, ${document.figures.length} figures. Every figure is also saved as SVG and PNG
next to this page; the numbers behind each are in the tables under it and in report.json.</p>
<nav><ul>${nav}</ul></nav>
${document.comparison.length ? `<section id="comparison"><h2>Comparison</h2>\n${figures(document.comparison)}\n</section>` : ''}
${sections}
</body></html>
`;
}
