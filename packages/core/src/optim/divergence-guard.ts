import * as tf from '@tensorflow/tfjs';
import { SteerableError } from '../errors.js';

/** 'stop': throw a DivergenceError before the update; 'skip': tell the loop to drop this step's update. */
export type DivergencePolicy = 'stop' | 'skip';

export interface DivergenceGuardOptions {
  /** Default 'stop'. */
  policy?: DivergencePolicy;
  /** With 'skip', stop anyway after this many skipped steps in a row (default 10): training that only diverges is not training. */
  maxConsecutiveSkips?: number;
}

/** A step whose loss or gradient was not finite. */
export interface DivergenceEvent {
  step: number;
  kind: 'loss' | 'gradient';
  /** 'loss', or the parameter whose gradient held the value. */
  tensor: string;
  /** The first non-finite value found (NaN, Infinity or -Infinity). */
  value: number;
}

export interface DivergenceCheck {
  /** 'apply': run the optimizer; 'skip': leave weights and optimizer state as they are. */
  action: 'apply' | 'skip';
  /** The loss, read back in the same transfer as the check. */
  loss: number;
  /** The extra scalars passed to `check`, read back in the same transfer. */
  scalars: number[];
  /** What was found when the action is 'skip'. */
  event: DivergenceEvent | null;
}

const HINT =
  'lower the learning rate, enable gradient clipping (maxGradNorm), or look for NaN/huge values in the data of this step; the last checkpoint written is from before it';

/** Thrown by the 'stop' policy (codes `non-finite-loss` / `non-finite-gradient`), before any update. */
export class DivergenceError extends SteerableError {
  readonly step: number;
  readonly tensor: string;

  constructor(event: DivergenceEvent, note = '') {
    const what = event.kind === 'loss' ? 'the loss' : `the gradient of '${event.tensor}'`;
    super(
      event.kind === 'loss' ? 'non-finite-loss' : 'non-finite-gradient',
      `step ${event.step}: ${what} is ${event.value}${note}; training stopped before applying the update`,
      { field: event.tensor, hint: HINT },
    );
    this.name = 'DivergenceError';
    this.step = event.step;
    this.tensor = event.tensor;
  }
}

/**
 * Detects a non-finite loss or gradient before the optimizer applies it. Call `check` between
 * computing gradients and `adam.apply`; it costs one sum per gradient and a single read-back of
 * [loss, sums..., extra scalars] (which the loop needs anyway for the loss), not one per tensor.
 * A sum is finite exactly when all its elements are, unless it overflows; only then (or when a
 * sum is NaN/infinite) are that step's tensors checked element-wise to name the culprit.
 */
export class DivergenceGuard {
  readonly policy: DivergencePolicy;
  readonly maxConsecutiveSkips: number;
  private consecutive = 0;
  private readonly skippedEvents: DivergenceEvent[] = [];

  constructor(options: DivergenceGuardOptions = {}) {
    this.policy = options.policy ?? 'stop';
    this.maxConsecutiveSkips = options.maxConsecutiveSkips ?? 10;
    if (this.policy !== 'stop' && this.policy !== 'skip') {
      throw new SteerableError('invalid-config', `divergence policy '${String(this.policy)}' is not 'stop' or 'skip'`, {
        field: 'onNonFinite',
        hint: "use 'stop' (default) or 'skip'",
      });
    }
  }

  /** Steps skipped so far (policy 'skip'), in order. */
  get skipped(): readonly DivergenceEvent[] {
    return this.skippedEvents;
  }

  /**
   * Checks one step. Returns 'apply' when loss and every gradient are finite; otherwise throws
   * a DivergenceError ('stop') or returns 'skip'. Disposes nothing: the caller still owns
   * `loss`, `grads` and `scalars`.
   */
  async check(step: number, loss: tf.Scalar, grads: ReadonlyMap<string, tf.Tensor>, scalars: readonly tf.Scalar[] = []): Promise<DivergenceCheck> {
    const names = [...grads.keys()];
    const packed = tf.tidy(() => tf.stack([tf.reshape(loss, []), ...names.map((name) => tf.sum(grads.get(name)!)), ...scalars.map((s) => tf.reshape(s, []))]));
    let values: Float32Array;
    try {
      values = (await packed.data()) as Float32Array;
    } finally {
      packed.dispose();
    }
    const lossValue = values[0]!;
    const extra = Array.from(values.subarray(1 + names.length));
    let event: DivergenceEvent | null = null;
    if (!Number.isFinite(lossValue)) {
      event = { step, kind: 'loss', tensor: 'loss', value: lossValue };
    } else {
      const suspects = names.filter((_, i) => !Number.isFinite(values[1 + i]!));
      if (suspects.length > 0) event = await this.findNonFinite(step, suspects, grads);
    }
    if (event === null) {
      this.consecutive = 0;
      return { action: 'apply', loss: lossValue, scalars: extra, event: null };
    }
    if (this.policy === 'stop') throw new DivergenceError(event);
    this.consecutive += 1;
    if (this.consecutive > this.maxConsecutiveSkips)
      throw new DivergenceError(event, ` (${this.consecutive} steps in a row, over maxConsecutiveSkips ${this.maxConsecutiveSkips})`);
    this.skippedEvents.push(event);
    return { action: 'skip', loss: lossValue, scalars: extra, event };
  }

  /** The first suspect holding a non-finite element (a finite-element sum can overflow, so this confirms it). */
  private async findNonFinite(step: number, suspects: string[], grads: ReadonlyMap<string, tf.Tensor>): Promise<DivergenceEvent | null> {
    const flags = tf.tidy(() => tf.stack(suspects.map((name) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(grads.get(name)!)), 'int32')))));
    const counts = await flags.data();
    flags.dispose();
    const index = Array.from(counts).findIndex((c) => c > 0);
    if (index === -1) return null;
    const name = suspects[index]!;
    const values = await grads.get(name)!.data();
    const value = Array.prototype.find.call(values, (v: number) => !Number.isFinite(v)) as number;
    return { step, kind: 'gradient', tensor: name, value };
  }
}
