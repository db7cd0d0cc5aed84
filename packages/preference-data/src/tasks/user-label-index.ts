import { SteerableError } from '@steerable/core';
import type { EmbeddedPairSet } from '../types/embedded-pair-set.js';
import type { SplitName } from '../types/preference-pair.js';

/** Label indices of each user within some splits; users sorted so iteration order is stable. */
export interface UserLabelIndex {
  users: string[];
  labelsByUser: Map<string, number[]>;
  /** Number of distinct pairs among the selected labels. */
  numPairs: number;
}

export function indexLabelsByUser(set: EmbeddedPairSet, splits: SplitName | readonly SplitName[]): UserLabelIndex {
  const wanted = new Set<SplitName>(typeof splits === 'string' ? [splits] : splits);
  if (wanted.size === 0)
    throw new SteerableError('invalid-argument', 'no split selected', { field: 'split', hint: "pass 'train', 'validation', 'test' or a list of them" });
  const labelsByUser = new Map<string, number[]>();
  const pairs = new Set<number>();
  set.labels.forEach((label, index) => {
    if (!wanted.has(label.split)) return;
    let list = labelsByUser.get(label.user);
    if (!list) labelsByUser.set(label.user, (list = []));
    list.push(index);
    pairs.add(label.pair);
  });
  const users = [...labelsByUser.keys()].sort();
  return { users, labelsByUser, numPairs: pairs.size };
}
