import type { Featurizer, FeaturizerInput } from './featurizer.js';
import { RESPONSE_CUE_COUNT, RESPONSE_CUE_NAMES, writeResponseCues } from './response-cues.js';

/**
 * The response cues alone (RESPONSE_CUE_COUNT dense dimensions, no hashed n-grams): the
 * featurizer for small labelled sets, where thousands of sparse n-gram buckets only give a reward
 * model more ways to overfit. The relabeled HH-RLHF presets use it.
 */
export class ResponseCueFeaturizer implements Featurizer {
  readonly dim = RESPONSE_CUE_COUNT;
  readonly description = { kind: 'response-cues', dim: RESPONSE_CUE_COUNT, features: [...RESPONSE_CUE_NAMES] };

  featurize(prompt: string, response: string, out = new Float32Array(this.dim)): Float32Array {
    writeResponseCues(prompt, response, out);
    return out;
  }

  async featurizeBatch(items: readonly FeaturizerInput[]): Promise<Float32Array> {
    const out = new Float32Array(items.length * this.dim);
    items.forEach((item, i) => this.featurize(item.prompt, item.response, out.subarray(i * this.dim, (i + 1) * this.dim)));
    return out;
  }
}
