import { PCA } from 'ml-pca';
import { SteerableError } from '@steerable/core';

/** A 2-D linear projection of inferred user representations z (principal components). */
export interface LatentProjection {
  /** The mean z that is subtracted before projecting. */
  mean: number[];
  /** The two unit axes, each of length dim(z); an axis is all zeros when z has fewer dimensions or no variance along it. */
  axes: [number[], number[]];
  /** Share of the total variance of the fitted z along each axis (0 when there is none). */
  explainedVarianceRatio: [number, number];
  /** Coordinates of rows of z on the two axes. */
  project(rows: readonly (readonly number[])[]): Array<[number, number]>;
}

/**
 * Principal-component projection of z vectors to 2-D, for plotting users by inferred type. The
 * sign of a principal axis is arbitrary (SVD may return either), so each axis is flipped to make
 * its largest-magnitude coordinate positive (scikit-learn's svd_flip on the components): the same
 * data give the same picture on every run and backend. Fit on every set that will be plotted
 * together (e.g. k = 1 and k = 10) so the panels share axes.
 */
export function fitLatentProjection(rows: readonly (readonly number[])[]): LatentProjection {
  if (rows.length === 0) throw new SteerableError('invalid-argument', 'cannot fit a projection to zero vectors', { field: 'rows' });
  const dim = rows[0]!.length;
  if (dim === 0 || rows.some((r) => r.length !== dim))
    throw new SteerableError('invalid-argument', `every z must have the same positive length (the first has ${dim})`, { field: 'rows' });
  const mean = Array.from({ length: dim }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
  const totalVariance = rows.reduce((s, r) => s + r.reduce((t, v, j) => t + (v - mean[j]!) ** 2, 0), 0);
  const axes: [number[], number[]] = [new Array<number>(dim).fill(0), new Array<number>(dim).fill(0)];
  const ratio: [number, number] = [0, 0];
  if (rows.length > 1 && totalVariance > 0) {
    const pca = new PCA(
      rows.map((r) => [...r]),
      { center: true, scale: false },
    );
    const vectors = pca.getEigenvectors();
    const explained = pca.getExplainedVariance();
    for (let a = 0; a < Math.min(2, vectors.columns); a++) {
      const axis = vectors.getColumn(a);
      // A component with (numerically) no variance has an arbitrary direction: leave it at zero.
      if (!(explained[a]! > 1e-12)) continue;
      const largest = axis.reduce((best, v, j) => (Math.abs(v) > Math.abs(axis[best]!) ? j : best), 0);
      const sign = axis[largest]! < 0 ? -1 : 1;
      axes[a] = axis.map((v) => sign * v);
      ratio[a] = explained[a]!;
    }
  }
  const project = (points: readonly (readonly number[])[]): Array<[number, number]> =>
    points.map((r) => {
      if (r.length !== dim)
        throw new SteerableError('invalid-argument', `z has length ${r.length}, the projection was fitted to length ${dim}`, { field: 'rows' });
      const centred = r.map((v, j) => v - mean[j]!);
      return [centred.reduce((s, v, j) => s + v * axes[0][j]!, 0), centred.reduce((s, v, j) => s + v * axes[1][j]!, 0)];
    });
  return { mean, axes, explainedVarianceRatio: ratio, project };
}
