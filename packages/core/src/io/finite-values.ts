import { SteerableError } from '../errors.js';

/** Index of the first NaN or infinity, or -1. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}

/**
 * Refuses weights holding NaN or infinity: a model loaded with one silently produces NaN for
 * every input, so the file is reported (naming the tensor and the first bad index) instead.
 */
export function assertFiniteValues(values: ArrayLike<number>, location: { file: string; tensor: string; hint?: string }): void {
  const index = firstNonFinite(values);
  if (index === -1) return;
  throw new SteerableError('non-finite-weights', `tensor '${location.tensor}' holds ${values[index]} at flat index ${index}`, {
    file: location.file,
    field: location.tensor,
    hint: location.hint ?? 'the weights diverged or the file is corrupt; use an earlier checkpoint or re-export the model',
  });
}
