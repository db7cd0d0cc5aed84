import type { Rng } from '@steerable/core';

export interface SamplingOptions {
  /** 0: greedy. */
  temperature: number;
  /** Keep the k most likely tokens (0: off). */
  topK: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (1: off). */
  topP: number;
}

/**
 * Draws one token from next-token logits with temperature, then top-k, then top-p (nucleus)
 * filtering, in that order (Hugging Face's logits-warper order). At least one token always survives.
 */
export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, rng: Rng): number {
  const n = logits.length;
  if (options.temperature <= 0) {
    let best = 0;
    for (let i = 1; i < n; i++) if (logits[i]! > logits[best]!) best = i;
    return best;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]!);
  const keep = options.topK > 0 ? Math.min(options.topK, n) : n;
  const top = logits[order[0]!]! / options.temperature;
  const weights: number[] = [];
  let total = 0;
  for (let r = 0; r < keep; r++) {
    const w = Math.exp(logits[order[r]!]! / options.temperature - top);
    weights.push(w);
    total += w;
  }
  let kept = weights.length;
  if (options.topP < 1) {
    let cumulative = 0;
    for (let r = 0; r < weights.length; r++) {
      cumulative += weights[r]! / total;
      if (cumulative >= options.topP) {
        kept = r + 1;
        break;
      }
    }
  }
  const mass = weights.slice(0, kept).reduce((s, w) => s + w, 0);
  let u = rng.uniform() * mass;
  for (let r = 0; r < kept; r++) {
    u -= weights[r]!;
    if (u <= 0) return order[r]!;
  }
  return order[kept - 1]!;
}
