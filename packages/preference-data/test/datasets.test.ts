import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinDatasetPath, HashedNgramFeaturizer, loadRelabeledHh, TaskSampler } from '../src/index.js';

describe('built-in relabeled HH', () => {
  it('resolves the shipped files', () => {
    expect(existsSync(builtinDatasetPath('relabeled-hh/helpful'))).toBe(true);
    expect(builtinDatasetPath('relabeled-hh/harmless')).toMatch(/datasets\/relabeled-hh\/harmless\.jsonl\.gz$/);
    expect(() => builtinDatasetPath('nope' as never)).toThrow(/unknown built-in dataset/);
  });

  it('loads both user types, split 80/10/10 by pair, and feeds the task sampler', async () => {
    const set = await loadRelabeledHh({ featurizer: new HashedNgramFeaturizer({ dim: 256 }), seed: 0 });
    expect(set.dim).toBe(256);
    expect(set.numPairs).toBe(3024);
    const users: Record<string, number> = {};
    const pairSplit = new Map<number, string>();
    for (const label of set.labels) {
      users[label.user] = (users[label.user] ?? 0) + 1;
      pairSplit.set(label.pair, label.split);
    }
    expect(users).toEqual({ helpful: 1602, harmless: 1422 });
    const splits: Record<string, number> = {};
    for (const split of pairSplit.values()) splits[split] = (splits[split] ?? 0) + 1;
    expect(splits).toEqual({ train: 2419, validation: 302, test: 303 });
    const sampler = new TaskSampler(set, { split: 'train', numTargets: 20, contextSize: [0, 10], batchSize: 16, seed: 0, tasksPerEpoch: 32 });
    expect(sampler.users).toEqual(['harmless', 'helpful']);
    const [batch] = [...sampler.epoch(0)];
    expect(batch!.targetChosen.length).toBe(16 * 20 * 256);
  });
});
