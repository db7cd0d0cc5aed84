import type { FeaturizeOptions, Featurizer, FeaturizerInput } from '../featurize/featurizer.js';
import type { EmbeddedPairSet } from '../types/embedded-pair-set.js';
import type { TextPairSet } from '../types/text-pair-set.js';

/** A featurizer that serves stored features, counting what it had to compute. */
export interface TextLookupFeaturizer extends Featurizer {
  /** Items computed by the wrapped featurizer because the store did not have them. */
  readonly misses: number;
}

const textKey = (prompt: string, response: string): string => `${prompt}\u0000${response}`;

/**
 * Serves the features of every (prompt, response) of `texts` from `stored` (the same pairs,
 * embedded: row p holds pairs[p].a then pairs[p].b), and computes only items it has not seen
 * with `fallback`. Same `dim` and `description` as the fallback: the features are the fallback's.
 */
export function textLookupFeaturizer(texts: TextPairSet, stored: EmbeddedPairSet, fallback: Featurizer): TextLookupFeaturizer {
  const rows = new Map<string, number>();
  texts.pairs.forEach((pair, p) => {
    rows.set(textKey(pair.prompt, pair.a), 2 * p);
    rows.set(textKey(pair.prompt, pair.b), 2 * p + 1);
  });
  const dim = stored.dim;
  let misses = 0;
  return {
    dim,
    description: fallback.description,
    get misses() {
      return misses;
    },
    async featurizeBatch(items: readonly FeaturizerInput[], options: FeaturizeOptions = {}): Promise<Float32Array> {
      const out = new Float32Array(items.length * dim);
      const missing: number[] = [];
      items.forEach((item, i) => {
        const row = rows.get(textKey(item.prompt, item.response));
        if (row === undefined) missing.push(i);
        else out.set(stored.options.subarray(row * dim, (row + 1) * dim), i * dim);
      });
      if (missing.length > 0) {
        const computed = await fallback.featurizeBatch(
          missing.map((i) => items[i]!),
          options,
        );
        missing.forEach((i, j) => out.set(computed.subarray(j * dim, (j + 1) * dim), i * dim));
        misses += missing.length;
      }
      return out;
    },
  };
}
