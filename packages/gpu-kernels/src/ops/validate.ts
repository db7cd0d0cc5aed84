import type * as tf from '@tensorflow/tfjs';
import { SteerableError } from '@steerable/core';

/** Throws a SteerableError naming the op, the argument and the fix. */
export function fail(op: string, field: string, problem: string, hint: string): never {
  throw new SteerableError('invalid-argument', `${op}: ${problem}`, { field, hint });
}

export function expectRank(op: string, field: string, t: tf.Tensor, rank: number, layout: string): void {
  if (t.rank !== rank) fail(op, field, `expected rank ${rank} (${layout}), got shape [${t.shape.join(', ')}]`, `reshape '${field}' to ${layout}`);
}

export function expectShape(op: string, field: string, t: tf.Tensor, shape: number[], layout: string): void {
  if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    fail(op, field, `expected shape [${shape.join(', ')}] (${layout}), got [${t.shape.join(', ')}]`, `pass '${field}' as ${layout}`);
  }
}

export function expectDtype(op: string, field: string, t: tf.Tensor, dtype: tf.DataType): void {
  if (t.dtype !== dtype) fail(op, field, `expected dtype ${dtype}, got ${t.dtype}`, `cast with tf.cast(${field}, '${dtype}')`);
}
