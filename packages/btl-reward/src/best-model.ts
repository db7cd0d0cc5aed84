import * as tf from '@tensorflow/tfjs';
import { type CheckpointDirectory, loadCheckpoint, disposeCheckpoint, SteerableError } from '@steerable/core';
import { REWARD_MODEL_CHECKPOINT_KIND } from './checkpoint.js';
import type { RewardModel } from './models/reward-model.js';

/** Which validation metric picks the kept weights (TRL's `metric_for_best_model`). */
export interface BestModelOptions {
  /** A metric of the 'eval' events, e.g. 'eval/accuracy' (default) or 'eval/accuracy@k=1'. */
  metric?: string;
  /** Default: true unless the metric name contains 'loss'. */
  greaterIsBetter?: boolean;
  /** Put the best weights back into the model when training ends (default true). */
  loadAtEnd?: boolean;
}

/**
 * The metrics a validation run reports (see trainRewardModel): checked before training starts, so
 * a typo fails at once rather than at the first evaluation.
 */
export function validationMetricNames(ks: readonly number[]): string[] {
  return ['eval/accuracy', ...ks.map((k) => `eval/accuracy@k=${k}`)];
}

export interface BestModelRecord {
  step: number;
  metric: string;
  value: number;
  /** `checkpoints/best` when the run writes checkpoints, else null (kept in memory only). */
  path: string | null;
}

/**
 * Keeps the weights that scored best on validation. Episodic training with one k per batch makes
 * the held-out accuracy swing by several points between evaluations (measured on the paper's
 * synthetic run: 88% to 99% at k = 10 within 100 steps), so the last step is a lottery; the
 * original code also evaluated the best-on-validation weights.
 */
export class BestModelTracker {
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  private snapshot: Map<string, tf.Tensor> | null = null;
  private record: BestModelRecord | null = null;

  constructor(
    private readonly model: RewardModel,
    options: BestModelOptions,
    private readonly checkpoints: CheckpointDirectory | null,
    /** The validation's context sizes: they name the metrics it reports. */
    ks: readonly number[],
    /** Written into the best checkpoint's manifest beside the record (e.g. the featurizer). */
    private readonly checkpointExtra: Record<string, unknown> = {},
  ) {
    this.metric = options.metric ?? 'eval/accuracy';
    this.greaterIsBetter = options.greaterIsBetter ?? !this.metric.includes('loss');
    const known = validationMetricNames(ks);
    if (!known.includes(this.metric)) {
      throw new SteerableError('invalid-config', `the best-model metric '${this.metric}' is not one that validation reports`, {
        field: 'bestModel.metric',
        hint: `use one of: ${known.join(', ')}`,
      });
    }
  }

  get best(): BestModelRecord | null {
    return this.record;
  }

  /** On resume: continue from the best that the interrupted run had already written. */
  async restore(): Promise<void> {
    const dir = this.checkpoints ? await this.checkpoints.best() : null;
    if (!dir) return;
    const contents = await loadCheckpoint(dir);
    const saved = contents.manifest.extra.best as Partial<BestModelRecord> | undefined;
    if (saved?.metric !== this.metric || typeof saved.value !== 'number' || typeof saved.step !== 'number') {
      disposeCheckpoint(contents);
      return;
    }
    this.replaceSnapshot(contents.weights);
    this.record = { step: saved.step, metric: this.metric, value: saved.value, path: dir };
  }

  /** Records the model's current weights when `metrics[metric]` beats the best so far; true if it did. */
  async consider(step: number, metrics: Record<string, number>): Promise<boolean> {
    const value = metrics[this.metric];
    // Missing when no validation user had labels enough for that k this time.
    if (value === undefined || !Number.isFinite(value)) return false;
    if (this.record && !(this.greaterIsBetter ? value > this.record.value : value < this.record.value)) return false;
    const state = new Map<string, tf.Tensor>();
    for (const [name, variable] of this.model.stateDict()) state.set(name, tf.keep(variable.clone()));
    this.replaceSnapshot(state);
    let path: string | null = null;
    const record = { step, metric: this.metric, value };
    if (this.checkpoints) {
      path = await this.checkpoints.saveBest({
        step,
        model: { kind: REWARD_MODEL_CHECKPOINT_KIND, config: this.model.config, state },
        extra: { ...this.checkpointExtra, best: record },
      });
    }
    this.record = { ...record, path };
    return true;
  }

  /** Loads the best weights into the model (no-op before the first evaluation). */
  loadInto(): void {
    if (this.snapshot) this.model.loadStateDict(this.snapshot, { source: this.record?.path ?? 'best weights in memory' });
  }

  dispose(): void {
    this.replaceSnapshot(null);
  }

  private replaceSnapshot(next: Map<string, tf.Tensor> | null): void {
    if (this.snapshot) for (const t of this.snapshot.values()) t.dispose();
    this.snapshot = next;
  }
}
