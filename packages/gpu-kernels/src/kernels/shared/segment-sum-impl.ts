import type { TypedArray } from '../backend-types.js';

/**
 * out[segment(i), j] += x[i, j] in one pass over x: O(|x|), where tfjs-backend-cpu's kernel makes
 * one masked pass per segment (O(numSegments * |x|)). Ids outside [0, numSegments) contribute
 * nothing, as in TensorFlow. `out` is zeroed first (wasm heap memory is not).
 */
export function segmentSumImpl(x: TypedArray, segmentIds: TypedArray, numSegments: number, inner: number, out: TypedArray): void {
  out.fill(0);
  const rows = segmentIds.length;
  for (let i = 0; i < rows; i++) {
    const segment = segmentIds[i]!;
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * inner;
    const to = segment * inner;
    for (let j = 0; j < inner; j++) out[to + j]! += x[from + j]!;
  }
}

/** [numSegments, ...x.shape after the segment-id dims] and the size of one row. */
export function segmentSumShape(xShape: number[], idsRank: number, numSegments: number): { outShape: number[]; inner: number } {
  const trailing = xShape.slice(idsRank);
  return { outShape: [numSegments, ...trailing], inner: trailing.reduce((a, b) => a * b, 1) };
}
