import { SteerableError } from '@steerable/core';
import { z } from 'zod';
import type { PreferencePair } from '../types/preference-pair.js';
import { splitByPrompt } from '../splits/split-by-prompt.js';
import type { SplitFractions } from '../splits/split-fractions.js';
import { filterPairs } from './filter-pairs.js';

const fieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * Which pairs of a file a run uses and how they are split: the fields a file data config adds
 * (reward and policy runs alike). `where` keeps pairs whose fields (the pair's own, then the
 * reader's extra columns such as `conflict`) match; `splitBy` re-splits: 'pair' (every label of
 * one pair in one split) or 'prompt' (every pair of one prompt in one split: for data whose
 * responses are judged under several criteria). Without `splitBy`, a file's split column is kept
 * and a file without one is split by pair.
 */
export const pairSelectionShape = {
  where: z.record(z.string(), z.union([fieldValue, z.array(fieldValue).min(1)])).optional(),
  splitBy: z.enum(['pair', 'prompt']).optional(),
};

export interface PairSelection {
  where?: Record<string, z.output<typeof fieldValue> | z.output<typeof fieldValue>[]> | undefined;
  splitBy?: 'pair' | 'prompt' | undefined;
  splitFractions: SplitFractions;
  seed: number;
}

/** How the grouped set must still be split after selectPairs: by pair with the seed, or not at all. */
export type RemainingSplit = 'by-pair' | 'none';

/**
 * Applies `where` and a prompt split to the raw pairs. Returns the pairs and whether the grouped
 * set still needs a seeded split by pair (splitBy 'pair', or no split column and no splitBy).
 */
export function selectPairs(pairs: readonly PreferencePair[], selection: PairSelection): { pairs: PreferencePair[]; remainingSplit: RemainingSplit } {
  const kept = selection.where ? filterPairs(pairs, selection.where) : [...pairs];
  if (kept.length === 0 && pairs.length > 0) {
    throw new SteerableError('invalid-config', `no pair matches where ${JSON.stringify(selection.where)}`, {
      field: 'data.where',
      hint: 'check the values against the file (steerable-train data inspect FILE lists its columns)',
    });
  }
  if (selection.splitBy === 'prompt') return { pairs: splitByPrompt(kept, selection.splitFractions, selection.seed), remainingSplit: 'none' };
  if (selection.splitBy === 'pair') return { pairs: kept, remainingSplit: 'by-pair' };
  return { pairs: kept, remainingSplit: kept.some((pair) => pair.split !== undefined) ? 'none' : 'by-pair' };
}
