import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type EmbeddedPairSet,
  evaluationTasks,
  evaluationTaskSet,
  generatePaperSynthetic,
  PAPER_SYNTHETIC_REWARDS,
  type PaperSyntheticUser,
  type PreferenceLabel,
  type SplitName,
  splitUsers,
  TaskSampler,
} from '../src/index.js';

const SPLITS: SplitName[] = ['train', 'validation', 'test'];

/** A small set with `labelsPerUser[u]` labels for user u, spread over pairs and splits. */
function makeSet(labelsPerUser: number[], splitSeed: number): EmbeddedPairSet {
  const labels: PreferenceLabel[] = [];
  let pair = 0;
  labelsPerUser.forEach((count, u) => {
    for (let i = 0; i < count; i++) {
      labels.push({ pair, user: `user-${u}`, preferred: ((i + u) % 2) as 0 | 1, split: SPLITS[(i * 7 + u + splitSeed) % 3 === 0 ? 1 : 0]! });
      // Several users share pairs, as user types do.
      if (i % 2 === 1) pair++;
    }
  });
  const numPairs = pair + 1;
  return { dim: 2, numPairs, options: Float32Array.from({ length: numPairs * 4 }, (_, i) => i), labels };
}

describe('TaskSampler', () => {
  it('property: context and targets are disjoint, of one user, in the split, with one k per batch', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 1000 }),
        (labelsPerUser, kLow, kSpan, numTargets, batchSize, seed) => {
          const set = makeSet(labelsPerUser, seed);
          const kMax = kLow + kSpan;
          let sampler: TaskSampler;
          try {
            sampler = new TaskSampler(set, { split: 'train', numTargets, contextSize: [kLow, kMax], batchSize, seed, tasksPerEpoch: 25 });
          } catch (error) {
            // Only allowed when no user has enough train labels.
            const enough = labelsPerUser.some((_, u) => set.labels.filter((l) => l.user === `user-${u}` && l.split === 'train').length >= kMax + numTargets);
            expect(enough).toBe(false);
            expect((error as Error).name).toBe('SteerableError');
            return;
          }
          let tasks = 0;
          for (const batch of sampler.epoch(0)) {
            const k = batch.tasks[0]!.context.length;
            expect(k).toBeGreaterThanOrEqual(kLow);
            expect(k).toBeLessThanOrEqual(kMax);
            for (const task of batch.tasks) {
              tasks++;
              expect(task.context.length).toBe(k);
              expect(task.targets.length).toBe(numTargets);
              const all = [...task.context, ...task.targets];
              expect(new Set(all).size).toBe(all.length);
              for (const index of all) {
                expect(set.labels[index]!.user).toBe(task.user);
                expect(set.labels[index]!.split).toBe('train');
              }
            }
          }
          expect(tasks).toBe(25);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('targetsIncludeContext: T distinct targets of one user, the context k of them, users need only T labels', () => {
    const set = makeSet([12, 40, 7], 1);
    const sampler = new TaskSampler(set, {
      split: 'train',
      numTargets: 6,
      contextSize: [0, 6],
      batchSize: 4,
      seed: 5,
      tasksPerEpoch: 60,
      targetsIncludeContext: true,
    });
    // user-2 has 7 labels, 4 or 5 of them in train: too few for 6 targets either way.
    expect(sampler.users).toEqual(['user-0', 'user-1']);
    const seenK = new Set<number>();
    for (const batch of sampler.epoch(0)) {
      for (const task of batch.tasks) {
        seenK.add(task.context.length);
        expect(task.targets.length).toBe(6);
        expect(new Set(task.targets).size).toBe(6);
        expect(task.targets.slice(0, task.context.length)).toEqual(task.context);
        for (const index of task.targets) expect(set.labels[index]!.user).toBe(task.user);
      }
      // The context rows are gathered from the same labels as the first k targets.
      const k = batch.tasks[0]!.context.length;
      if (k > 0) expect(Array.from(batch.contextChosen.slice(0, set.dim))).toEqual(Array.from(batch.targetChosen.slice(0, set.dim)));
    }
    expect(seenK.size).toBeGreaterThan(3);
    // Without the option user-0 (8 train labels) cannot give k up to 6 plus 6 targets.
    expect(new TaskSampler(set, { split: 'train', numTargets: 6, contextSize: [0, 6], batchSize: 4, seed: 5 }).users).toEqual(['user-1']);
    expect(() => new TaskSampler(set, { split: 'train', numTargets: 3, contextSize: [0, 4], batchSize: 4, seed: 5, targetsIncludeContext: true })).toThrow(
      /k cannot exceed T/,
    );
  });

  const synthetic = generatePaperSynthetic({ numPairs: 4_000, seed: 0 });

  it('defaults to one task per distinct pair of the split, and its batches carry the right options', () => {
    const sampler = new TaskSampler(synthetic, { split: 'train', numTargets: 20, contextSize: [0, 10], batchSize: 64, seed: 1 });
    expect(sampler.tasksPerEpoch).toBe(3_200);
    expect(sampler.numBatches).toBe(50);
    const userCounts: Record<string, number> = {};
    const kSeen = new Set<number>();
    for (const batch of sampler.epoch(0)) {
      kSeen.add(batch.contextSize);
      for (let b = 0; b < batch.batchSize; b++) {
        const user = batch.users[b]!;
        userCounts[user] = (userCounts[user] ?? 0) + 1;
        const reward = PAPER_SYNTHETIC_REWARDS[user as PaperSyntheticUser];
        // Chosen-first layout: the user's reward of the chosen option is never below the rejected's.
        for (let t = 0; t < batch.numTargets; t++) {
          expect(reward(batch.targetChosen[b * batch.numTargets + t]!)).toBeGreaterThanOrEqual(reward(batch.targetRejected[b * batch.numTargets + t]!));
        }
        for (let c = 0; c < batch.contextSize; c++) {
          expect(reward(batch.contextChosen[b * batch.contextSize + c]!)).toBeGreaterThanOrEqual(reward(batch.contextRejected[b * batch.contextSize + c]!));
        }
      }
    }
    // 3,200 fair coin flips: standard deviation 0.9%; 4% is over four of them.
    expect(Math.abs(userCounts['moderation']! / 3_200 - 0.5)).toBeLessThan(0.04);
    // 50 draws of k from 11 values: missing a given value has probability (10/11)^50 < 1%.
    expect(kSeen.size).toBeGreaterThanOrEqual(9);
  });

  it('draws different tasks each epoch unless replayEpochs is set', () => {
    const options = { split: 'train' as const, numTargets: 5, contextSize: [1, 4] as [number, number], batchSize: 8, seed: 7, tasksPerEpoch: 32 };
    const sampler = new TaskSampler(synthetic, options);
    const epoch0 = [...sampler.epochTasks(0)];
    const epoch1 = [...sampler.epochTasks(1)];
    expect(epoch1).not.toEqual(epoch0);
    expect([...new TaskSampler(synthetic, options).epochTasks(0)]).toEqual(epoch0);
    const replaying = new TaskSampler(synthetic, { ...options, replayEpochs: true });
    expect([...replaying.epochTasks(3)]).toEqual([...replaying.epochTasks(0)]);
    expect([...replaying.epochTasks(0)]).toEqual(epoch0);
  });

  it('resumes mid-epoch exactly from a saved state (through JSON)', () => {
    const options = { split: 'train' as const, numTargets: 5, contextSize: [0, 6] as [number, number], batchSize: 4, seed: 11, tasksPerEpoch: 30 };
    const uninterrupted = [...new TaskSampler(synthetic, options).epochTasks(2)];
    expect(uninterrupted.length).toBe(8);
    expect(uninterrupted[7]!.length).toBe(2);
    const first = new TaskSampler(synthetic, options);
    const seen: unknown[] = [];
    for (const batch of first.epochTasks(2)) {
      seen.push(batch);
      if (seen.length === 3) break;
    }
    const saved = JSON.parse(JSON.stringify(first.state()));
    expect(saved.nextBatch).toBe(3);
    const resumed = new TaskSampler(synthetic, options);
    resumed.setState(saved);
    for (const batch of resumed.epochTasks(2)) seen.push(batch);
    expect(seen).toEqual(uninterrupted);
  });

  it('skips users with too few labels and reports them; errors when nobody qualifies', () => {
    const set = makeSet([40, 3], 0);
    const sampler = new TaskSampler(set, { split: ['train', 'validation'], numTargets: 4, contextSize: 2, batchSize: 2, seed: 0, tasksPerEpoch: 4 });
    expect(sampler.users).toEqual(['user-0']);
    expect(sampler.skippedUsers).toEqual([{ user: 'user-1', labels: 3 }]);
    expect(() => new TaskSampler(set, { split: 'train', numTargets: 100, contextSize: 0, batchSize: 2, seed: 0 })).toThrow(/no user has the 100 labels/);
    expect(() => new TaskSampler(set, { split: 'train', numTargets: 1, contextSize: [3, 1], batchSize: 2, seed: 0 })).toThrow(/contextSize/);
  });
});

describe('evaluationTasks', () => {
  const set = generatePaperSynthetic({ numPairs: 2_000, seed: 5 });

  it('keeps the same targets for every k, with disjoint nested contexts', () => {
    const byK = [0, 1, 3, 5, 10].map((k) => evaluationTasks(set, { split: 'test', contextSize: k, numTargets: 20, tasksPerUser: 30, seed: 9 }));
    for (const tasks of byK) {
      expect(tasks.length).toBe(60);
      tasks.forEach((task, i) => {
        expect(task.targets).toEqual(byK[0]![i]!.targets);
        expect(task.user).toBe(byK[0]![i]!.user);
        const all = [...task.context, ...task.targets];
        expect(new Set(all).size).toBe(all.length);
        for (const index of all) {
          expect(set.labels[index]!.user).toBe(task.user);
          expect(set.labels[index]!.split).toBe('test');
        }
      });
    }
    const k3 = byK[2]!;
    const k5 = byK[3]!;
    k3.forEach((task, i) => expect(k5[i]!.context.slice(0, 3)).toEqual(task.context));
    const otherSeed = evaluationTasks(set, { split: 'test', contextSize: 0, numTargets: 20, tasksPerUser: 30, seed: 10 });
    expect(otherSeed.map((t) => t.targets)).not.toEqual(byK[0]!.map((t) => t.targets));
  });

  it('errors on users with too few labels, or skips them with a count', () => {
    const small = generatePaperSynthetic({ numPairs: 100, seed: 1 });
    expect(() => evaluationTasks(small, { split: 'test', contextSize: 5, numTargets: 20, tasksPerUser: 1, seed: 0 })).toThrow(/fewer than k \+ T = 25/);
    const lopsided = { ...small, labels: [...small.labels, { pair: 0, user: 'rare', preferred: 0 as const, split: 'test' as const }] };
    const result = evaluationTaskSet(lopsided, { split: 'test', contextSize: 2, numTargets: 3, tasksPerUser: 2, seed: 0, tooFewLabels: 'skip' });
    expect(result.skippedUsers).toEqual([{ user: 'rare', labels: 1 }]);
    expect(result.tasks.length).toBe(4);
  });
});

describe('splitUsers', () => {
  it('puts every label of a user in one split, about 80/10/10 of users', () => {
    const labels: PreferenceLabel[] = [];
    for (let u = 0; u < 200; u++) for (let i = 0; i < 5; i++) labels.push({ pair: u * 5 + i, user: `u${u}`, preferred: 0, split: 'train' });
    const set: EmbeddedPairSet = { dim: 1, numPairs: 1000, options: new Float32Array(2000), labels };
    const split = splitUsers(set, [0.8, 0.1, 0.1], 3);
    const splitOf = new Map<string, string>();
    for (const label of split.labels) {
      const seen = splitOf.get(label.user);
      if (seen) expect(label.split).toBe(seen);
      splitOf.set(label.user, label.split);
    }
    const counts: Record<string, number> = {};
    for (const split of splitOf.values()) counts[split] = (counts[split] ?? 0) + 1;
    expect(counts).toEqual({ train: 160, validation: 20, test: 20 });
  });
});
