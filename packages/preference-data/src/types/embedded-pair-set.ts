import type { SplitName } from './preference-pair.js';

/**
 * One user's (or user type's) choice on a pair of options: `preferred` is 0 when option a won,
 * 1 when option b won.
 */
export interface PreferenceLabel {
  pair: number;
  user: string;
  preferred: 0 | 1;
  split: SplitName;
}

/**
 * Preference data in the form models consume. Options are embedded once (D floats each) and
 * shared by every label on that pair, so a pair judged by several user types (synthetic data,
 * UltraFeedback criteria) is stored once.
 *
 * `options` is row-major [numPairs, 2, dim]: for pair p, option a is
 * options[(2p) * dim .. (2p + 1) * dim) and option b the next dim floats.
 */
export interface EmbeddedPairSet {
  dim: number;
  numPairs: number;
  options: Float32Array;
  labels: PreferenceLabel[];
  /** Optional source ids per pair (for reports and error messages). */
  pairIds?: string[];
  /** Free-form description of where the embeddings came from (featurizer name, model, file). */
  embedding?: { kind: string; [key: string]: unknown };
  /** The description of the featurizer that made the embeddings, exactly (absent for embeddings made elsewhere). */
  featurizer?: { kind: string; [key: string]: unknown };
}
