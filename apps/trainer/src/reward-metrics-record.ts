import type { TrainEvent } from '@steerable/btl-reward';
import type { MetricsRecord } from '@steerable/cli-kit';

/** The metrics.jsonl line for a reward training event (steps, epochs and validations; null for the rest). */
export function rewardMetricsRecord(event: TrainEvent): MetricsRecord | null {
  if (event.type !== 'step' && event.type !== 'eval' && event.type !== 'epoch') return null;
  const best = event.best ? { 'eval/best_step': event.best.step, [`eval/best_${event.best.metric.replace(/^eval\//, '')}`]: event.best.value } : {};
  return { step: event.step, epoch: event.epoch, ...(Number.isFinite(event.loss) ? { loss: event.loss } : {}), event: event.type, ...event.metrics, ...best };
}
