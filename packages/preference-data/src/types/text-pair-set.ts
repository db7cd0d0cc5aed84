import type { PreferenceLabel } from './embedded-pair-set.js';

/** Two candidate responses to one prompt, before embedding. */
export interface TextPair {
  id: string;
  prompt: string;
  a: string;
  b: string;
}

/** Text pairs with per-user labels: an EmbeddedPairSet before its options are embedded. */
export interface TextPairSet {
  pairs: TextPair[];
  labels: PreferenceLabel[];
}
