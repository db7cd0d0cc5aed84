import { SteerableError } from '@steerable/core';

/** One bin of a reliability diagram: predictions whose confidence fell in [lower, upper). */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  /** Predictions in the bin. */
  count: number;
  /** Their mean confidence (null for an empty bin, as JSON would write NaN). */
  confidence: number | null;
  /** Their mean correctness (null for an empty bin). */
  accuracy: number | null;
}

/** How well predicted probabilities match outcomes, for one set of predictions. */
export interface CalibrationReport {
  /** Predictions scored. */
  n: number;
  /** Mean negative log-likelihood of the observed outcomes, in nats. */
  nll: number;
  /** Mean squared error of the probability of the observed outcome (0 best, 0.25 a coin flip). */
  brier: number;
  /** Expected calibration error over `bins`: sum over bins of (count / n) |accuracy - confidence|. */
  ece: number;
  bins: ReliabilityBin[];
}

/** Probabilities are clipped this far from 0 and 1 so one confident mistake gives a large, finite NLL. */
export const NLL_PROBABILITY_FLOOR = 1e-7;

function checkProbabilities(probabilities: ArrayLike<number>, outcomes: ArrayLike<number>): void {
  if (probabilities.length !== outcomes.length) {
    throw new SteerableError('invalid-argument', `${probabilities.length} probabilities but ${outcomes.length} outcomes`, {
      field: 'outcomes',
      hint: 'pass one outcome per probability',
    });
  }
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!;
    const y = outcomes[i]!;
    if (!(p >= 0 && p <= 1)) throw new SteerableError('invalid-argument', `probability ${i} is ${p}, not in [0, 1]`, { field: 'probabilities' });
    if (!(y >= 0 && y <= 1)) throw new SteerableError('invalid-argument', `outcome ${i} is ${y}, not in [0, 1]`, { field: 'outcomes' });
  }
}

/**
 * Mean binary negative log-likelihood -[y log p + (1 - y) log(1 - p)] (natural log). Outcomes may
 * be fractional (0.5 for a tie). An empty input gives NaN.
 */
export function binaryNll(probabilities: ArrayLike<number>, outcomes: ArrayLike<number>): number {
  checkProbabilities(probabilities, outcomes);
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(1 - NLL_PROBABILITY_FLOOR, Math.max(NLL_PROBABILITY_FLOOR, probabilities[i]!));
    const y = outcomes[i]!;
    sum -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
  }
  return sum / probabilities.length;
}

/** Mean (p - y)^2, the Brier score of binary predictions. An empty input gives NaN. */
export function brierScore(probabilities: ArrayLike<number>, outcomes: ArrayLike<number>): number {
  checkProbabilities(probabilities, outcomes);
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) sum += (probabilities[i]! - outcomes[i]!) ** 2;
  return sum / probabilities.length;
}

/**
 * Equal-width bins of confidence over [low, 1] (the last bin includes 1), each with its count,
 * mean confidence and mean correctness: the data of a reliability diagram. `correct` may be
 * fractional (a tie counts 1/2).
 */
export function reliabilityBins(
  confidences: ArrayLike<number>,
  correct: ArrayLike<number>,
  options: { numBins?: number; low?: number } = {},
): ReliabilityBin[] {
  checkProbabilities(confidences, correct);
  const numBins = options.numBins ?? 10;
  const low = options.low ?? 0;
  if (!Number.isInteger(numBins) || numBins < 1)
    throw new SteerableError('invalid-argument', `numBins must be a positive integer, got ${numBins}`, { field: 'numBins' });
  const width = (1 - low) / numBins;
  const sums = Array.from({ length: numBins }, () => ({ count: 0, confidence: 0, correct: 0 }));
  for (let i = 0; i < confidences.length; i++) {
    const c = confidences[i]!;
    if (c < low) throw new SteerableError('invalid-argument', `confidence ${i} is ${c}, below the lowest bin edge ${low}`, { field: 'confidences' });
    // The 1e-9 puts a confidence that sits on an edge (0.6 = 0.5 + 0.1, 0.9999... after rounding) in the bin it starts.
    const bin = sums[Math.min(numBins - 1, Math.floor((c - low) / width + 1e-9))]!;
    bin.count += 1;
    bin.confidence += c;
    bin.correct += correct[i]!;
  }
  return sums.map((s, b) => ({
    lower: low + b * width,
    upper: b === numBins - 1 ? 1 : low + (b + 1) * width,
    count: s.count,
    confidence: s.count ? s.confidence / s.count : null,
    accuracy: s.count ? s.correct / s.count : null,
  }));
}

/** Expected calibration error of reliability bins: the count-weighted mean gap |accuracy - confidence|. */
export function expectedCalibrationError(bins: readonly ReliabilityBin[]): number {
  const n = bins.reduce((s, b) => s + b.count, 0);
  if (n === 0) return Number.NaN;
  return bins.reduce((s, b) => (b.count ? s + (b.count / n) * Math.abs(b.accuracy! - b.confidence!) : s), 0);
}

/**
 * Calibration of pairwise preference predictions: `chosenWins[i]` is the model's probability that
 * the option the user chose beats the one they rejected (sigmoid of the model's logit). The
 * observed outcome is always "chosen wins", so NLL = mean -log p and Brier = mean (1 - p)^2.
 * Which option is listed first is arbitrary, so the reliability diagram and ECE use the
 * top-label form (Guo et al. 2017): confidence max(p, 1 - p) in [0.5, 1], correct when p > 1/2,
 * half correct at p = 1/2 exactly. Both orderings of a pair give the same numbers.
 */
export function pairwiseCalibration(chosenWins: ArrayLike<number>, options: { numBins?: number } = {}): CalibrationReport {
  const n = chosenWins.length;
  const ones = new Float64Array(n).fill(1);
  const confidences = new Float64Array(n);
  const correct = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = chosenWins[i]!;
    confidences[i] = Math.max(p, 1 - p);
    correct[i] = p > 0.5 ? 1 : p === 0.5 ? 0.5 : 0;
  }
  const bins = reliabilityBins(confidences, correct, { numBins: options.numBins ?? 10, low: 0.5 });
  return { n, nll: binaryNll(chosenWins, ones), brier: brierScore(chosenWins, ones), ece: expectedCalibrationError(bins), bins };
}
