import type { EmbeddedPairSet } from '../types/embedded-pair-set.js';

/** The same set keeping only some users' labels (per-type oracle baselines train this way). */
export function restrictToUsers(set: EmbeddedPairSet, users: readonly string[] | undefined): EmbeddedPairSet {
  if (!users || users.length === 0) return set;
  const keep = new Set(users);
  return { ...set, labels: set.labels.filter((label) => keep.has(label.user)) };
}
