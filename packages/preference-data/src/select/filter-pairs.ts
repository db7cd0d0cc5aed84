import { SteerableError } from '@steerable/core';
import type { PreferencePair } from '../types/preference-pair.js';

export type FieldValue = string | number | boolean | null;

/**
 * Which pairs to keep: a predicate, or field values that must all match. A field is looked up on
 * the pair (`user`, `split`, `id`, `prompt`, ...) and then among the columns the reader kept in
 * `extra` (`conflict`, `dialogue_id`, ...); a list of values matches any of them.
 */
export type PairFilter = ((pair: PreferencePair) => boolean) | Record<string, FieldValue | readonly FieldValue[]>;

/** The value of `field` on a pair: its own property first, then the reader's `extra` columns. */
export function pairField(pair: PreferencePair, field: string): unknown {
  const own = (pair as unknown as Record<string, unknown>)[field];
  if (own !== undefined && field !== 'extra') return own;
  return pair.extra?.[field];
}

/**
 * Keeps the pairs that match `filter`. With field values, a field that no pair has is an error
 * (a typo would otherwise keep nothing, or everything), naming the fields the pairs do have.
 */
export function filterPairs(pairs: readonly PreferencePair[], filter: PairFilter): PreferencePair[] {
  if (typeof filter === 'function') return pairs.filter(filter);
  const conditions = Object.entries(filter).map(([field, value]) => [field, Array.isArray(value) ? value : [value]] as const);
  for (const [field] of conditions) {
    if (pairs.length > 0 && !pairs.some((pair) => pairField(pair, field) !== undefined)) {
      const known = new Set<string>();
      for (const pair of pairs.slice(0, 100)) {
        for (const [key, value] of Object.entries(pair)) if (value !== undefined && key !== 'extra') known.add(key);
        for (const key of Object.keys(pair.extra ?? {})) known.add(key);
      }
      throw new SteerableError('invalid-argument', `no pair has a field '${field}'`, { field, hint: `filter on one of: ${[...known].sort().join(', ')}` });
    }
  }
  return pairs.filter((pair) => conditions.every(([field, values]) => values.includes(pairField(pair, field) as FieldValue)));
}
