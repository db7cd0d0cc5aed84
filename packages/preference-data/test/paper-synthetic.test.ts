import { describe, expect, it } from 'vitest';
import { generatePaperSynthetic, moderationReward, moreIsBetterReward, PAPER_SYNTHETIC_REWARDS, type PaperSyntheticUser } from '../src/index.js';

describe('generatePaperSynthetic', () => {
  const set = generatePaperSynthetic({ numPairs: 20_000, seed: 0 });

  it('has the reward functions of docs/method.md', () => {
    expect(moreIsBetterReward(0.3)).toBe(0.3);
    expect(moreIsBetterReward(0.7)).toBe(1.4);
    expect(moderationReward(0.3)).toBe(0.3);
    expect(moderationReward(0.7)).toBeCloseTo(0.3, 12);
    expect(moderationReward(0.5)).toBe(0.5);
    expect(moreIsBetterReward(0.5)).toBe(1);
  });

  it('stores 20,000 scalar pairs with two labels each, split 80/10/10 by pair', () => {
    expect(set.dim).toBe(1);
    expect(set.numPairs).toBe(20_000);
    expect(set.options.length).toBe(40_000);
    expect(set.labels.length).toBe(40_000);
    expect(Math.min(...set.options)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...set.options)).toBeLessThan(1);
    const splitOfPair = new Map<number, string>();
    const counts: Record<string, number> = {};
    for (const label of set.labels) {
      const seen = splitOfPair.get(label.pair);
      if (seen !== undefined) expect(label.split).toBe(seen);
      else {
        splitOfPair.set(label.pair, label.split);
        counts[label.split] = (counts[label.split] ?? 0) + 1;
      }
    }
    expect(counts).toEqual({ train: 16_000, validation: 2_000, test: 2_000 });
    expect(new Set(set.labels.map((l) => l.user))).toEqual(new Set(['more-is-better', 'moderation']));
  });

  it('labels each pair by the higher reward of each type', () => {
    for (const label of set.labels) {
      const a = set.options[2 * label.pair]!;
      const b = set.options[2 * label.pair + 1]!;
      const reward = PAPER_SYNTHETIC_REWARDS[label.user as PaperSyntheticUser];
      const winner = label.preferred === 0 ? a : b;
      const loser = label.preferred === 0 ? b : a;
      expect(reward(winner)).toBeGreaterThanOrEqual(reward(loser));
    }
  });

  it('agrees on 50% +- 1% of pairs; a context-free Bayes classifier scores 75% +- 1%', () => {
    // Choices per pair, derived from the reward functions (not from the stored labels).
    let agree = 0;
    let bayesCorrect = 0;
    const labelsByPair = new Map<number, { user: string; preferred: number }[]>();
    for (const label of set.labels) {
      const list = labelsByPair.get(label.pair) ?? [];
      list.push(label);
      labelsByPair.set(label.pair, list);
    }
    let bothLowAgree = 0;
    let bothLow = 0;
    let bothHighAgree = 0;
    let bothHigh = 0;
    for (let pair = 0; pair < set.numPairs; pair++) {
      const a = set.options[2 * pair]!;
      const b = set.options[2 * pair + 1]!;
      const typeZeroPrefersA = moreIsBetterReward(a) > moreIsBetterReward(b);
      const typeOnePrefersA = moderationReward(a) > moderationReward(b);
      const agrees = typeZeroPrefersA === typeOnePrefersA;
      if (agrees) agree++;
      if (a < 0.5 && b < 0.5) {
        bothLow++;
        if (agrees) bothLowAgree++;
      }
      if (a >= 0.5 && b >= 0.5) {
        bothHigh++;
        if (agrees) bothHighAgree++;
      }
      // P(a wins | type unknown) with each type equally likely; on a 50/50 tie predict a.
      const probabilityAWins = (Number(typeZeroPrefersA) + Number(typeOnePrefersA)) / 2;
      const predicted = probabilityAWins >= 0.5 ? 0 : 1;
      for (const label of labelsByPair.get(pair)!) if (label.preferred === predicted) bayesCorrect++;
    }
    // Hand-derived structure: below 0.5 both rewards are y (always agree); above, opposite (never).
    expect(bothLowAgree).toBe(bothLow);
    expect(bothHigh).toBeGreaterThan(0);
    expect(bothHighAgree).toBe(0);
    expect(Math.abs(agree / set.numPairs - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(bayesCorrect / set.labels.length - 0.75)).toBeLessThan(0.01);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const again = generatePaperSynthetic({ numPairs: 500, seed: 3 });
    const same = generatePaperSynthetic({ numPairs: 500, seed: 3 });
    const other = generatePaperSynthetic({ numPairs: 500, seed: 4 });
    expect(same.options).toEqual(again.options);
    expect(same.labels).toEqual(again.labels);
    expect(other.options).not.toEqual(again.options);
  });

  it('rejects split fractions that do not sum to one', () => {
    expect(() => generatePaperSynthetic({ numPairs: 10, splitFractions: [0.5, 0.1, 0.1] })).toThrow(/sum/);
  });
});
