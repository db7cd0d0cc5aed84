import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@steerable/core';

/** Random normal values of a shape, as plain numbers (moved to whichever backend is active). */
export function randomValues(shape: number[], rng: Rng, scale = 1): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.normal() * scale;
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return worst;
}

/** Relative-to-scale difference: max |a-b| / max(1, max |b|). */
export function relativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  return maxAbsDiff(a, b) / scale;
}

/** Runs `fn` on `backend` and returns the values it produced, disposing everything it made. */
export async function onBackend(backend: string, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const result = tf.tidy(fn);
  const list = Array.isArray(result) ? result : [result];
  const values = await Promise.all(list.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(list);
  return values;
}

export function numDataIds(): number {
  return tf.engine().backend.numDataIds();
}

/** Registers `configs` in place of the wasm kernels of the same names; returns what puts the old ones back. */
export function replaceWasmKernels(configs: tf.KernelConfig[]): () => void {
  const saved = configs.map((c) => tf.getKernel(c.kernelName, 'wasm')!);
  for (const c of configs) {
    tf.unregisterKernel(c.kernelName, 'wasm');
    tf.registerKernel(c);
  }
  return () => {
    for (const c of saved) {
      tf.unregisterKernel(c.kernelName, 'wasm');
      tf.registerKernel(c);
    }
  };
}

/** Runs `fn` with `configs` in place of the wasm kernels of the same names. */
export async function withWasmKernels<T>(configs: tf.KernelConfig[], fn: () => Promise<T> | T): Promise<T> {
  const restore = replaceWasmKernels(configs);
  try {
    return await fn();
  } finally {
    restore();
  }
}
