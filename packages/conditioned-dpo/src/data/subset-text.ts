import type { PreferenceLabel, SplitName, TextPairSet } from '@steerable/preference-data';

/**
 * The labels of some splits (and users) with only the pairs they use, re-indexed: what one phase
 * of a run tokenizes, embeds and scores, instead of every pair of the file.
 */
export function subsetText(text: TextPairSet, splits: readonly SplitName[], users?: readonly string[]): TextPairSet {
  const wantedSplits = new Set(splits);
  const wantedUsers = users ? new Set(users) : null;
  const remap = new Map<number, number>();
  const pairs: TextPairSet['pairs'] = [];
  const labels: PreferenceLabel[] = [];
  for (const label of text.labels) {
    if (!wantedSplits.has(label.split) || (wantedUsers && !wantedUsers.has(label.user))) continue;
    let index = remap.get(label.pair);
    if (index === undefined) {
      index = pairs.length;
      remap.set(label.pair, index);
      pairs.push(text.pairs[label.pair]!);
    }
    labels.push({ ...label, pair: index });
  }
  return { pairs, labels };
}
