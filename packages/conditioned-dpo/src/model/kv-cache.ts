import type * as tf from '@tensorflow/tfjs';

/** Keys and values of one block for the positions seen so far, [B, heads, S, headDim]. */
export interface LayerKv {
  key: tf.Tensor4D;
  value: tf.Tensor4D;
}

/** One entry per block; `length` is the number of cached positions. */
export interface KvCache {
  layers: LayerKv[];
  length: number;
}

export function disposeKvCache(cache: KvCache | null | undefined): void {
  if (!cache) return;
  for (const layer of cache.layers) {
    layer.key.dispose();
    layer.value.dispose();
  }
}
