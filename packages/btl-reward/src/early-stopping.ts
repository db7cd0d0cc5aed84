import { SteerableError } from '@steerable/core';
import type { BestModelRecord } from './best-model.js';

/** Stop training once the best-model metric has not improved for `patience` evaluations (TRL's `early_stopping_patience`, Keras' `patience`). */
export interface EarlyStoppingOptions {
  /** Evaluations in a row without a new best before training stops (a positive integer). */
  patience: number;
}

/** Why a run stopped before its last epoch ended. */
export interface EarlyStopRecord {
  /** The step training stopped at (an evaluation step). */
  step: number;
  /** The step of the best evaluation, whose weights the run keeps. */
  bestStep: number;
  patience: number;
}

/**
 * The stopping rule, counted from steps rather than kept as a counter: evaluations run at every
 * multiple of `evaluateEvery`, so the evaluations since the best one are (step - best step) /
 * evaluateEvery. Nothing needs saving in checkpoints, and a resumed run (whose best record comes
 * back from checkpoints/best) stops at the step the uninterrupted run stops at.
 */
export class EarlyStopping {
  readonly patience: number;

  constructor(
    options: EarlyStoppingOptions,
    private readonly evaluateEvery: number,
  ) {
    if (!Number.isInteger(options.patience) || options.patience < 1) {
      throw new SteerableError('invalid-config', `earlyStopping.patience must be a positive integer, got ${options.patience}`, {
        field: 'earlyStopping.patience',
        hint: 'e.g. 4: stop after 4 evaluations without a new best',
      });
    }
    this.patience = options.patience;
  }

  /** Evaluations after the best one up to and including `step`'s (0 when `step` holds the best, or there is none yet). */
  evaluationsWithoutImprovement(step: number, best: BestModelRecord | null): number {
    if (!best) return 0;
    return Math.max(0, Math.floor((step - best.step) / this.evaluateEvery));
  }

  /** After the evaluation at `step`: whether training stops here; the record says why. */
  check(step: number, best: BestModelRecord | null): EarlyStopRecord | null {
    if (!best || step % this.evaluateEvery !== 0) return null;
    if (this.evaluationsWithoutImprovement(step, best) < this.patience) return null;
    return { step, bestStep: best.step, patience: this.patience };
  }
}
