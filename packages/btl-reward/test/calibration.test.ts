import { describe, expect, it } from 'vitest';
import { binaryNll, brierScore, expectedCalibrationError, pairwiseCalibration, reliabilityBins } from '../src/index.js';

describe('calibration metrics (values worked out by hand)', () => {
  it('pairwise: NLL = mean -ln p, Brier = mean (1 - p)^2, ECE over top-label confidence bins', () => {
    // p(chosen wins) = 0.9, 0.6, 0.3, 0.5.
    // NLL = -(ln 0.9 + ln 0.6 + ln 0.3 + ln 0.5) / 4 = (0.1053605 + 0.5108256 + 1.2039728 + 0.6931472) / 4 = 0.6283265
    // Brier = (0.01 + 0.16 + 0.49 + 0.25) / 4 = 0.2275
    // Top label: confidence 0.9, 0.6, 0.7, 0.5; correct 1, 1, 0, 1/2 (the tie). Five bins of width 0.1 over [0.5, 1]:
    // [0.5,0.6): {0.5 -> 1/2}, [0.6,0.7): {0.6 -> 1}, [0.7,0.8): {0.7 -> 0}, [0.8,0.9): empty, [0.9,1]: {0.9 -> 1}
    // ECE = (|0.5 - 0.5| + |1 - 0.6| + |0 - 0.7| + |1 - 0.9|) / 4 = (0 + 0.4 + 0.7 + 0.1) / 4 = 0.3
    const report = pairwiseCalibration([0.9, 0.6, 0.3, 0.5], { numBins: 5 });
    expect(report.n).toBe(4);
    expect(report.nll).toBeCloseTo(0.6283265, 6);
    expect(report.brier).toBeCloseTo(0.2275, 12);
    expect(report.ece).toBeCloseTo(0.3, 12);
    expect(report.bins.map((b) => b.count)).toEqual([1, 1, 1, 0, 1]);
    expect(report.bins.map((b) => b.lower)).toEqual([0.5, 0.6, 0.7, 0.8, 0.9].map((v) => expect.closeTo(v, 12)));
    expect(report.bins[4]!.upper).toBe(1);
    expect(report.bins[0]!.accuracy).toBe(0.5);
    expect(report.bins[2]).toMatchObject({ confidence: expect.closeTo(0.7, 12), accuracy: 0 });
    expect(report.bins[3]).toMatchObject({ count: 0, confidence: null, accuracy: null });
  });

  it('reliability bins average confidence and correctness within a bin; ECE weights the gaps by count', () => {
    // Ten bins over [0, 1]: bin 0 {0.05 -> 0}, bin 1 {0.15 -> 1, 0.12 -> 0}, bin 9 {0.95 -> 1}.
    // bin 1: confidence (0.15 + 0.12) / 2 = 0.135, accuracy 1/2.
    // ECE = 1/4 |0 - 0.05| + 2/4 |0.5 - 0.135| + 1/4 |1 - 0.95| = 0.0125 + 0.1825 + 0.0125 = 0.2075
    const bins = reliabilityBins([0.05, 0.15, 0.12, 0.95], [0, 1, 0, 1]);
    expect(bins).toHaveLength(10);
    expect(bins[1]).toMatchObject({ count: 2, confidence: expect.closeTo(0.135, 12), accuracy: 0.5 });
    expect(bins[9]!.count).toBe(1);
    expect(expectedCalibrationError(bins)).toBeCloseTo(0.2075, 12);
  });

  it('binary NLL and Brier use the outcome: an outcome of 0 scores 1 - p; p = 0 is clipped to a large finite loss', () => {
    // -ln(1 - 0.2) = 0.2231436; (0.2 - 0)^2 = 0.04
    expect(binaryNll([0.2], [0])).toBeCloseTo(0.2231436, 6);
    expect(brierScore([0.2], [0])).toBeCloseTo(0.04, 12);
    // -ln(1e-7) = 16.1181
    expect(binaryNll([0], [1])).toBeCloseTo(16.1181, 3);
  });

  it('a perfectly calibrated set has ECE 0; a confident wrong one has ECE equal to its confidence', () => {
    // Four predictions at 0.75 of which three are right: accuracy 0.75 = confidence.
    expect(pairwiseCalibration([0.75, 0.75, 0.75, 0.25]).ece).toBeCloseTo(0, 12);
    expect(pairwiseCalibration([0.1, 0.1]).ece).toBeCloseTo(0.9, 12);
  });

  it('rejects mismatched lengths and probabilities outside [0, 1]', () => {
    expect(() => brierScore([0.5, 0.5], [1])).toThrow(/2 probabilities but 1 outcomes/);
    expect(() => pairwiseCalibration([1.5])).toThrow(/not in \[0, 1\]/);
  });
});
