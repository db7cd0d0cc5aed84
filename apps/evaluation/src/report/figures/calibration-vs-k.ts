import type { TopLevelSpec } from 'vega-lite';
import type { RewardEval } from '../eval-contract.js';
import type { ReportTable, TableCell } from '../report-table.js';
import { type FigureDraft, sortedKs } from './figure.js';

const METRICS = [
  { key: 'nll', label: 'NLL (nats)' },
  { key: 'brier', label: 'Brier score' },
  { key: 'ece', label: 'expected calibration error' },
] as const;

/** Calibration of the held-out predictions (all user types together) versus k: NLL, Brier score and ECE, one line per model. */
export function calibrationFigure(evals: readonly RewardEval[], models: readonly string[]): FigureDraft | null {
  const withCalibration = evals.filter((e) => e.calibration?.overall);
  if (withCalibration.length === 0) return null;
  const rows: Array<{ model: string; k: number; metric: string; value: number }> = [];
  const tableRows: TableCell[][] = [];
  for (const e of withCalibration) {
    const byK = e.calibration!.overall!;
    for (const k of sortedKs(byK)) {
      const c = byK[String(k)]!;
      for (const m of METRICS) if (c[m.key] !== null) rows.push({ model: e.model, k, metric: m.label, value: c[m.key]! });
      tableRows.push([e.model, k, c.n, c.nll, c.brier, c.ece]);
    }
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Calibration versus context size k',
    data: { values: rows },
    facet: { column: { field: 'metric', type: 'nominal', title: null, sort: METRICS.map((m) => m.label) } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 210,
      height: 160,
      mark: { type: 'line', point: true, strokeWidth: 2 },
      encoding: {
        x: { field: 'k', type: 'quantitative', title: 'context pairs k', axis: { tickMinStep: 1, format: 'd' } },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: true } },
        color: { field: 'model', type: 'nominal', scale: { domain: [...models] } },
      },
    },
  } as TopLevelSpec;
  const table: ReportTable = {
    id: 'calibration-vs-k-table',
    caption: 'Calibration of held-out predictions, all user types together: n predictions, NLL (nats), Brier score, ECE (10 bins of top-label confidence).',
    columns: [
      { header: 'model', format: 'text' },
      { header: 'k', format: 'integer' },
      { header: 'n', format: 'integer' },
      { header: 'NLL', format: 'fixed', digits: 4 },
      { header: 'Brier', format: 'fixed', digits: 4 },
      { header: 'ECE', format: 'fixed', digits: 4 },
    ],
    rows: tableRows,
  };
  const perUser: TableCell[][] = [];
  for (const e of withCalibration) {
    for (const [user, byK] of Object.entries(e.calibration!)) {
      if (user === 'overall') continue;
      for (const k of sortedKs(byK)) {
        const c = byK[String(k)]!;
        perUser.push([e.model, user, k, c.n, c.nll, c.brier, c.ece]);
      }
    }
  }
  const perUserTable: ReportTable = {
    id: 'calibration-per-user-table',
    caption: 'The same per user type.',
    columns: [{ header: 'model', format: 'text' }, { header: 'user type', format: 'text' }, ...table.columns.slice(1)],
    rows: perUser,
    folded: true,
  };
  return {
    id: 'calibration-vs-k',
    title: 'Calibration versus context size k',
    caption:
      "The model's probability that the chosen option wins, scored on held-out targets: negative log-likelihood, " +
      'Brier score and expected calibration error (lower is better for all three). A model can gain accuracy with k ' +
      'and still be over-confident.',
    spec,
    tables: perUser.length ? [table, perUserTable] : [table],
  };
}

/** Reliability diagram: accuracy against confidence per bin, one panel per k, one line per model, the diagonal dashed. */
export function reliabilityFigure(evals: readonly RewardEval[], models: readonly string[]): FigureDraft | null {
  const withCalibration = evals.filter((e) => e.calibration?.overall);
  if (withCalibration.length === 0) return null;
  const rows: Array<{ model: string; k: string; confidence: number; accuracy: number; count: number }> = [];
  const tableRows: TableCell[][] = [];
  const kLabels: string[] = [];
  for (const e of withCalibration) {
    const byK = e.calibration!.overall!;
    for (const k of sortedKs(byK)) {
      const label = `k = ${k}`;
      if (!kLabels.includes(label)) kLabels.push(label);
      for (const bin of byK[String(k)]!.bins) {
        tableRows.push([e.model, k, `${bin.lower.toFixed(2)}-${bin.upper.toFixed(2)}`, bin.count, bin.confidence, bin.accuracy]);
        if (bin.count > 0) rows.push({ model: e.model, k: label, confidence: bin.confidence!, accuracy: bin.accuracy!, count: bin.count });
      }
    }
  }
  kLabels.sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  const x = { field: 'confidence', type: 'quantitative', title: 'confidence', scale: { domain: [0.5, 1] } } as const;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Reliability diagram (held-out targets)',
    data: { values: rows },
    facet: { column: { field: 'k', type: 'nominal', title: null, sort: kLabels } },
    spec: {
      width: 150,
      height: 150,
      layer: [
        {
          mark: { type: 'rule', color: '#888', strokeDash: [6, 4] },
          encoding: {
            x: { datum: 0.5, type: 'quantitative', scale: { domain: [0.5, 1] } },
            y: { datum: 0.5, type: 'quantitative', scale: { domain: [0, 1] } },
            x2: { datum: 1 },
            y2: { datum: 1 },
          },
        },
        {
          mark: { type: 'line', point: true },
          encoding: {
            x,
            y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } },
            color: { field: 'model', type: 'nominal', scale: { domain: [...models] } },
          },
        },
        {
          mark: { type: 'circle', opacity: 0.5 },
          encoding: {
            x,
            y: { field: 'accuracy', type: 'quantitative' },
            size: { field: 'count', type: 'quantitative', title: 'predictions', scale: { range: [10, 300] } },
            color: { field: 'model', type: 'nominal', scale: { domain: [...models] } },
          },
        },
      ],
    },
  } as TopLevelSpec;
  return {
    id: 'reliability',
    title: 'Reliability diagram',
    caption:
      'Top-label confidence max(p, 1 - p) in ten bins over [0.5, 1] against the share of those predictions that were ' +
      'right, per k; circle area is the number of predictions in the bin. On the dashed diagonal a model is ' +
      'calibrated; below it, over-confident.',
    spec,
    tables: [
      {
        id: 'reliability-table',
        caption: 'Reliability bins, all user types together (empty bins show "-").',
        columns: [
          { header: 'model', format: 'text' },
          { header: 'k', format: 'integer' },
          { header: 'confidence bin', format: 'text' },
          { header: 'predictions', format: 'integer' },
          { header: 'mean confidence', format: 'fixed', digits: 3 },
          { header: 'accuracy', format: 'fixed', digits: 3 },
        ],
        rows: tableRows,
        folded: true,
      },
    ],
  };
}
