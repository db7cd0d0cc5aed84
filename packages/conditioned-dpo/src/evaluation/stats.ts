/** Mean, standard error of the mean and count, the shape of every number in eval.json. */
export interface MeanSem {
  mean: number;
  sem: number;
  n: number;
}

export function meanSem(values: readonly number[]): MeanSem {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, sem: Number.NaN, n: 0 };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, sem: Math.sqrt(variance / n), n };
}
