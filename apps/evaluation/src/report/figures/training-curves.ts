import type { TopLevelSpec } from 'vega-lite';
import type { TableCell } from '../report-table.js';
import type { MetricsRecord } from '../run-files.js';
import { type FigureDraft, slug } from './figure.js';

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Validation metrics: eval/* except the best-so-far bookkeeping. */
const isValidationKey = (key: string) => key.startsWith('eval/') && !key.startsWith('eval/best_');
/** Shown instead when a run logged no validation metric. */
const TRAIN_ACCURACY_KEYS = ['train/accuracy', 'rewards/accuracies'];

interface LossPoint {
  step: number;
  loss: number;
  series: string;
}

/** Per-step training loss: the records of optimiser steps (not the epoch means or validation rows, which repeat a step). */
function lossPoints(metrics: readonly MetricsRecord[]): LossPoint[] {
  return metrics
    .filter((r) => finite(r.step) && finite(r.loss) && (r.event === undefined || r.event === 'step'))
    .map((r) => ({ step: r.step!, loss: r.loss as number, series: typeof r.phase === 'string' ? `${r.phase} loss` : 'training loss' }));
}

function metricPoints(metrics: readonly MetricsRecord[]): { points: Array<{ step: number; value: number; metric: string }>; validation: boolean } {
  const validation = metrics.flatMap((r) =>
    finite(r.step)
      ? Object.entries(r)
          .filter(([k, v]) => isValidationKey(k) && finite(v))
          .map(([metric, value]) => ({ step: r.step!, value: value as number, metric }))
      : [],
  );
  if (validation.length) return { points: validation, validation: true };
  const train = metrics.flatMap((r) =>
    finite(r.step) && (r.event === undefined || r.event === 'step')
      ? TRAIN_ACCURACY_KEYS.filter((k) => finite(r[k])).map((metric) => ({ step: r.step!, value: r[metric] as number, metric }))
      : [],
  );
  return { points: train, validation: false };
}

/** eval/accuracy before eval/accuracy@k=0 before eval/accuracy@k=10: names compared with their numbers as numbers. */
function byMetricName(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The step training kept as best on validation (the last eval/best_step logged). */
export function bestStepOf(metrics: readonly MetricsRecord[]): number | null {
  for (let i = metrics.length - 1; i >= 0; i--) if (finite(metrics[i]!['eval/best_step'])) return metrics[i]!['eval/best_step'] as number;
  return null;
}

/** Training loss and the validation metric versus step from metrics.jsonl, the best step marked. */
export function trainingCurvesFigure(runName: string, metrics: readonly MetricsRecord[], bestStep: number | null = bestStepOf(metrics)): FigureDraft | null {
  const loss = lossPoints(metrics);
  if (loss.length === 0) return null;
  const { points, validation } = metricPoints(metrics);
  const best = bestStep === null ? [] : [{ step: bestStep, label: `best step ${bestStep}` }];
  const steps = loss.map((p) => p.step);
  // The label sits on the side of the rule with more room.
  const labelLeft = bestStep !== null && bestStep > (Math.min(...steps) + Math.max(...steps)) / 2;
  const bestLayers = best.length
    ? [
        { data: { values: best }, mark: { type: 'rule', color: '#d62728', strokeDash: [4, 3] }, encoding: { x: { field: 'step', type: 'quantitative' } } },
        {
          data: { values: best },
          mark: { type: 'text', color: '#d62728', align: labelLeft ? 'right' : 'left', dx: labelLeft ? -4 : 4, dy: 4, baseline: 'top' },
          encoding: { x: { field: 'step', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
        },
      ]
    : [];
  const metricKeys = [...new Set(points.map((p) => p.metric))].sort(byMetricName);
  const legend = { orient: 'bottom', direction: 'horizontal', columns: 3 } as const;
  const step = { field: 'step', type: 'quantitative', title: 'step' } as const;
  const lossChart = {
    width: 300,
    height: 180,
    title: 'loss',
    layer: [
      {
        data: { values: loss },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x: step,
          y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } },
          color: { field: 'series', type: 'nominal', title: null, scale: { scheme: 'tableau10' }, legend },
        },
      },
      ...bestLayers,
    ],
  };
  const metricChart = {
    width: 300,
    height: 180,
    title: validation ? 'validation' : 'training accuracy',
    layer: [
      {
        data: { values: points },
        mark: { type: 'line', point: validation, strokeWidth: 1.5 },
        encoding: {
          x: step,
          y: {
            field: 'value',
            type: 'quantitative',
            title: validation ? 'validation metric' : 'accuracy on the batch',
            scale: { zero: false },
            axis: { format: '~g' },
          },
          color: { field: 'metric', type: 'nominal', title: null, scale: { scheme: 'dark2', domain: metricKeys }, legend },
        },
      },
      ...bestLayers,
    ],
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${runName}: training curves`,
    hconcat: points.length ? [lossChart, metricChart] : [lossChart],
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
  const allSteps = [...new Set([...loss.map((p) => p.step), ...points.map((p) => p.step)])].sort((a, b) => a - b);
  const rows: TableCell[][] = allSteps.map((s) => [
    s,
    loss.find((p) => p.step === s)?.loss ?? null,
    ...metricKeys.map((m) => points.find((p) => p.step === s && p.metric === m)?.value ?? null),
  ]);
  const id = `training-${slug(runName)}`;
  return {
    id,
    title: `${runName}: training curves`,
    caption:
      `Training loss per optimiser step and ${validation ? 'the validation metrics logged in training' : 'the accuracy on each training batch'}, ` +
      `from metrics.jsonl${best.length ? `; dashed red: the step kept as best on validation (${bestStep})` : ''}.`,
    spec,
    tables: [
      {
        id: `${id}-table`,
        caption: `Every logged step${best.length ? `; best step ${bestStep}` : ''}.`,
        columns: [
          { header: 'step', format: 'integer' },
          { header: 'loss', format: 'fixed', digits: 4 },
          ...metricKeys.map((m) => ({ header: m, format: 'fixed' as const, digits: 4 })),
        ],
        rows,
        folded: true,
      },
    ],
  };
}
