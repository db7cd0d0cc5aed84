import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SteerableError } from '@steerable/core';
import { embedPairs, filterPairs, HashedNgramFeaturizer, readPreferencePairs, splitByGroup, splitByPrompt, type PreferencePair } from '../src/index.js';

const SUMMARIES = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/multi-criteria/summaries.jsonl');

describe('TRL records with extra columns (multi-criteria look-alike)', () => {
  it('keep every column the reader does not interpret on the pair, typed as in the file', async () => {
    const pairs = await readPreferencePairs(SUMMARIES);
    expect(pairs).toHaveLength(23);
    expect(pairs[0]!.user).toBe('fluency');
    expect(pairs[0]!.extra).toEqual({ user_id: 'fluency', dialogue_id: 'd1', systems: ['s0', 's1'], margin: 4, conflict: true });
    expect(new Set(pairs.map((p) => p.extra!['conflict']))).toEqual(new Set([true, false]));
  });
});

describe('filterPairs', () => {
  it('keeps pairs by an extra column, by a pair field, by any of several values, or by a predicate', async () => {
    const pairs = await readPreferencePairs(SUMMARIES);
    const conflicting = filterPairs(pairs, { conflict: true });
    expect(conflicting).toHaveLength(10);
    expect(conflicting.every((p) => p.extra!['conflict'] === true)).toBe(true);
    expect(filterPairs(pairs, { conflict: true, user: 'relevance' }).every((p) => p.user === 'relevance' && p.extra!['conflict'] === true)).toBe(true);
    const dialogue = (p: PreferencePair) => p.extra!['dialogue_id'];
    expect(filterPairs(pairs, { dialogue_id: ['d1', 'd3'] }).map(dialogue)).toEqual(pairs.map(dialogue).filter((d) => d === 'd1' || d === 'd3'));
    expect(filterPairs(pairs, (p) => (p.extra!['margin'] as number) >= 3)).toHaveLength(pairs.filter((p) => (p.extra!['margin'] as number) >= 3).length);
  });

  it('refuses a field no pair has, naming the fields there are', async () => {
    const pairs = await readPreferencePairs(SUMMARIES);
    const error = (() => {
      try {
        filterPairs(pairs, { conflicts: true });
      } catch (e) {
        return e as SteerableError;
      }
    })();
    expect(error).toBeInstanceOf(SteerableError);
    expect(error!.message).toContain("no pair has a field 'conflicts'");
    expect(error!.hint).toContain('conflict');
    expect(error!.hint).toContain('dialogue_id');
  });
});

describe('splitByPrompt', () => {
  const pair = (i: number): PreferencePair => ({ id: String(i), prompt: `prompt ${i % 40}`, chosen: `a${i}`, rejected: `b${i}`, user: i % 2 ? 'u' : 'v' });
  const pairs = Array.from({ length: 200 }, (_, i) => pair(i));

  it('puts every pair of a prompt in one split, with the fractions counted in prompts', () => {
    const split = splitByPrompt(pairs, [0.6, 0.15, 0.25], 3);
    const splitsOfPrompt = new Map<string, Set<string>>();
    for (const pair of split) splitsOfPrompt.set(pair.prompt, (splitsOfPrompt.get(pair.prompt) ?? new Set()).add(pair.split!));
    expect([...splitsOfPrompt.values()].every((s) => s.size === 1)).toBe(true);
    const count = (name: string) => [...splitsOfPrompt.values()].filter((s) => s.has(name)).length;
    expect([count('train'), count('validation'), count('test')]).toEqual([24, 6, 10]);
    expect(split.map((p) => p.id)).toEqual(pairs.map((p) => p.id));
  });

  it('depends on the seed and the set of prompts, not on the order of the pairs', () => {
    const a = splitByPrompt(pairs, [0.6, 0.15, 0.25], 3);
    const reversed = splitByPrompt([...pairs].reverse(), [0.6, 0.15, 0.25], 3).reverse();
    expect(reversed.map((p) => p.split)).toEqual(a.map((p) => p.split));
    expect(splitByPrompt(pairs, [0.6, 0.15, 0.25], 4).map((p) => p.split)).not.toEqual(a.map((p) => p.split));
    expect(pairs.every((p) => p.split === undefined)).toBe(true);
  });

  it('splitByGroup splits by any key (an extra column), and the split survives embedding', async () => {
    const read = await readPreferencePairs(SUMMARIES);
    const split = splitByGroup(read, (p) => String(p.extra!['dialogue_id']), [0.5, 0.25, 0.25], 0);
    const byDialogue = new Map(split.map((p) => [p.extra!['dialogue_id'], p.split]));
    expect([...byDialogue.values()].sort()).toEqual(['test', 'train', 'train', 'validation']);
    const set = await embedPairs(split, new HashedNgramFeaturizer({ dim: 64, cueFeatures: false }));
    expect(set.labels.map((l) => l.split)).toEqual(split.map((p) => p.split));
  });
});
