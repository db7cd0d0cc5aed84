import type { TypedArray } from '../backend-types.js';

/**
 * Transposes that leave the last axis in place move whole rows: splitting attention heads,
 * [B, L, H, D] -> [B, H, L, D] (perm [0, 2, 1, 3]), is B H L copies of D contiguous floats. Stock
 * tfjs-wasm's Transpose computes every element's source index (USE-lite: 3-5 ms a call for
 * [32, 128, 4, 128], eight calls a batch); row copies take a fraction of that.
 */

/** Rows shorter than this go to the stock kernel (a copy call per row would cost more). */
export const MIN_ROW = 16;

/** Whether `perm` keeps the last axis last (and moves some other). */
export function keepsLastAxis(perm: readonly number[]): boolean {
  const rank = perm.length;
  return rank >= 3 && perm[rank - 1] === rank - 1 && perm.some((p, i) => p !== i);
}

/**
 * out = transpose(x, perm) for a perm that keeps the last axis, x of shape `shape`, by copies of
 * whole rows (x and out views of one heap use copyWithin on a view of all of it).
 */
export function transposeRows(x: TypedArray, shape: readonly number[], perm: readonly number[], out: TypedArray): void {
  const rank = shape.length;
  const row = shape[rank - 1]!;
  const outShape = perm.map((p) => shape[p]!);
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1]! * shape[d + 1]!;
  // The source stride of each output axis but the last.
  const sourceStrides = perm.slice(0, rank - 1).map((p) => strides[p]!);
  const sameHeap = x.buffer === out.buffer && x.constructor === out.constructor;
  const heap = sameHeap ? new (x.constructor as new (buffer: ArrayBufferLike) => TypedArray)(x.buffer) : out;
  const xAt = sameHeap ? x.byteOffset / x.BYTES_PER_ELEMENT : 0;
  const outAt = sameHeap ? out.byteOffset / out.BYTES_PER_ELEMENT : 0;
  const rows = out.length / row;
  const index = new Array<number>(rank - 1).fill(0);
  let source = 0;
  for (let r = 0; r < rows; r++) {
    if (sameHeap) heap.copyWithin(outAt + r * row, xAt + source, xAt + source + row);
    else out.set(x.subarray(source, source + row), r * row);
    // Next output row, last of the leading axes fastest.
    for (let d = rank - 2; d >= 0; d--) {
      index[d]! += 1;
      source += sourceStrides[d]!;
      if (index[d]! < outShape[d]!) break;
      source -= sourceStrides[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
}
