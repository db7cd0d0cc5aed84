import { describe, expect, it } from 'vitest';
import { fitLatentProjection } from '../src/index.js';

// Two orthogonal directions in 3-D: u = (0.6, 0.8, 0) carries the points +-2u * 5, v = (0.8, -0.6, 0) the points +-v * 5.
const rows = [
  [6, 8, 0],
  [-6, -8, 0],
  [4, -3, 0],
  [-4, 3, 0],
];

describe('fitLatentProjection', () => {
  it('finds the principal axes, the variance share of each, and the coordinates (worked out by hand)', () => {
    // Projections on u: +-10 (sum of squares 200); on v: +-5 (50). Shares 200/250 and 50/250.
    const projection = fitLatentProjection(rows);
    expect(projection.mean).toEqual([0, 0, 0]);
    expect(projection.explainedVarianceRatio[0]).toBeCloseTo(0.8, 10);
    expect(projection.explainedVarianceRatio[1]).toBeCloseTo(0.2, 10);
    // Each axis is flipped so that its largest-magnitude coordinate is positive.
    projection.axes[0].forEach((v, j) => expect(v).toBeCloseTo([0.6, 0.8, 0][j]!, 10));
    projection.axes[1].forEach((v, j) => expect(v).toBeCloseTo([0.8, -0.6, 0][j]!, 10));
    const xy = projection.project(rows);
    [
      [10, 0],
      [-10, 0],
      [0, 5],
      [0, -5],
    ].forEach(([x, y], i) => {
      expect(xy[i]![0]).toBeCloseTo(x!, 8);
      expect(xy[i]![1]).toBeCloseTo(y!, 8);
    });
  });

  it('is deterministic: row order and a shift of every z give the same axes and the same picture', () => {
    const base = fitLatentProjection(rows);
    const shuffled = fitLatentProjection([rows[2]!, rows[0]!, rows[3]!, rows[1]!]);
    const shifted = fitLatentProjection(rows.map((r) => r.map((v, j) => v + [3, -7, 11][j]!)));
    for (const other of [shuffled, shifted]) {
      for (const a of [0, 1]) other.axes[a]!.forEach((v, j) => expect(v).toBeCloseTo(base.axes[a]![j]!, 10));
    }
    const moved = shifted.project(rows.map((r) => r.map((v, j) => v + [3, -7, 11][j]!)));
    base.project(rows).forEach(([x, y], i) => {
      expect(moved[i]![0]).toBeCloseTo(x, 8);
      expect(moved[i]![1]).toBeCloseTo(y, 8);
    });
  });

  it('a 1-D z keeps its one axis and has a zero second axis; identical z give the origin', () => {
    const line = fitLatentProjection([[1], [3], [5]]);
    expect(line.axes).toEqual([[1], [0]]);
    expect(line.explainedVarianceRatio).toEqual([1, 0]);
    expect(line.project([[5]])).toEqual([[2, 0]]);
    const point = fitLatentProjection([
      [2, 2],
      [2, 2],
    ]);
    expect(point.project([[2, 2]])).toEqual([[0, 0]]);
    expect(point.explainedVarianceRatio).toEqual([0, 0]);
  });

  it('rejects ragged or empty input and z of the wrong length', () => {
    expect(() => fitLatentProjection([])).toThrow(/zero vectors/);
    expect(() => fitLatentProjection([[1, 2], [1]])).toThrow(/same positive length/);
    expect(() => fitLatentProjection(rows).project([[1, 2]])).toThrow(/fitted to length 3/);
  });
});
