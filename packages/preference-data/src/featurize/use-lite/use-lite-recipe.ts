import { USE_LITE_DIM } from './use-lite-encoder.js';

/**
 * What a (prompt, response) becomes, from e(prompt) and e(response) (unit 512-d USE-lite vectors):
 * `[e(response), e(response) * e(prompt) (element-wise), log(1 + response characters)]`, 1,025
 * floats. The product carries how the response relates to its prompt (its sum is their cosine)
 * and the length is a strong cue of several criteria that unit vectors lose.
 */
export const USE_LITE_RECIPE = 'response,response*prompt,log1p-response-chars';

export const USE_LITE_FEATURE_DIM = 2 * USE_LITE_DIM + 1;

/** Writes one item's features into `out` (USE_LITE_FEATURE_DIM floats). */
export function writeUseLiteFeatures(response: Float32Array, prompt: Float32Array, responseChars: number, out: Float32Array): void {
  for (let i = 0; i < USE_LITE_DIM; i++) {
    out[i] = response[i]!;
    out[USE_LITE_DIM + i] = response[i]! * prompt[i]!;
  }
  out[2 * USE_LITE_DIM] = Math.log1p(responseChars);
}
