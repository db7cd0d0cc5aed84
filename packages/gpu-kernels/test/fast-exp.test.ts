import { describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { expNonPositive } from '../src/kernels/shared/fast-exp.js';

describe('expNonPositive', () => {
  it('matches Math.exp to 1e-8 relative over the range softmax uses, and underflows to 0', () => {
    const rng = new Rng(7);
    let worst = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = -rng.uniform() * 104;
      const exact = Math.exp(x);
      worst = Math.max(worst, Math.abs(expNonPositive(x) - exact) / exact);
    }
    expect(worst).toBeLessThan(1e-8);
    for (const x of [0, -1e-12, -Math.LN2 / 2, -Math.LN2, -1, -50]) expect(Math.abs(expNonPositive(x) / Math.exp(x) - 1)).toBeLessThan(1e-8);
    expect(expNonPositive(-105)).toBe(0);
  });
});
