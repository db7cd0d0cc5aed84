import * as tf from '@tensorflow/tfjs';

/** The dimensions of op(A) op(B): op(A) is m x k, op(B) k x n, over `outer` batch dims. */
export interface ProductShape {
  m: number;
  k: number;
  n: number;
  outer: number[];
  batch: number;
  /** Matrices in A and in B: 1 (one for every batch) or `batch` (one per batch, in order). */
  batchA: number;
  batchB: number;
}

/**
 * op(A) op(B)'s dimensions, or null for the products the hand-written matmul paths leave to the
 * stock kernel (which also reports shape errors): rank below 2, inner dimensions that differ, an
 * empty dimension, or batch dims that broadcast other than a whole operand.
 */
export function productShape(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): ProductShape | null {
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  if (aRank < 2 || bRank < 2) return null;
  const m = transposeA ? a.shape[aRank - 1]! : a.shape[aRank - 2]!;
  const k = transposeA ? a.shape[aRank - 2]! : a.shape[aRank - 1]!;
  const kB = transposeB ? b.shape[bRank - 1]! : b.shape[bRank - 2]!;
  const n = transposeB ? b.shape[bRank - 2]! : b.shape[bRank - 1]!;
  if (k !== kB || m === 0 || n === 0 || k === 0) return null;
  let outer: number[];
  try {
    outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    return null;
  }
  const batch = tf.util.sizeFromShape(outer);
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  if ((batchA !== 1 && batchA !== batch) || (batchB !== 1 && batchB !== batch) || batch === 0) return null;
  return { m, k, n, outer, batch, batchA, batchB };
}
