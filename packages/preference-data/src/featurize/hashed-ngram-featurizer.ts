import { SteerableError } from '@steerable/core';
import type { Featurizer, FeaturizerInput } from './featurizer.js';
import { RESPONSE_CUE_COUNT, writeResponseCues } from './response-cues.js';

export interface HashedNgramOptions {
  /**
   * Output dimension. Default 2048: a typical HH turn (~900 characters) yields ~3,000 distinct
   * n-grams, so 2,048 signed buckets keep collisions tolerable while the first NP-BTL layer
   * (Linear(2D, 256)) stays at 1 M weights, half of what the paper's 4,096-d embeddings give.
   */
  dim?: number;
  /** Word n-gram orders (default [1, 2]). */
  wordNgrams?: readonly number[];
  /** Character n-gram range, inclusive (default [3, 5]). */
  charNgrams?: readonly [number, number];
  /** Weight of the prompt's features relative to the response's (default 0.5). */
  promptWeight?: number;
  /** Hash seed (default 0); a different seed gives a different, equally good projection. */
  seed?: number;
  /**
   * Reserve the last RESPONSE_CUE_COUNT dimensions for the response's dense cues (length and
   * shape, apology/refusal/hedge/caution/instruction phrase counts, relation to the request; see
   * response-cues.ts), default true. Hashed n-grams are L2-normalised and so lose length, one of
   * the strongest signals of what annotators prefer (helpful raters favour longer answers,
   * harmless ones shorter refusals).
   */
  cueFeatures?: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Signed feature hashing (Weinberger et al. 2009) of word uni/bi-grams and character 3-5-grams,
 * prompt and response in separate namespaces, each block L2-normalised, then the weighted sum
 * L2-normalised. Pure integer arithmetic: identical vectors on every platform.
 */
export class HashedNgramFeaturizer implements Featurizer {
  readonly dim: number;
  readonly description: { kind: string; [key: string]: unknown };
  private readonly wordNgrams: readonly number[];
  private readonly charRange: readonly [number, number];
  private readonly promptWeight: number;
  private readonly seed: number;
  private readonly cueFeatures: boolean;
  /** Dimensions the hashed n-grams use (all of `dim` unless the response cues take the tail). */
  private readonly hashedDim: number;
  private readonly scratch: Float32Array;

  constructor(options: HashedNgramOptions = {}) {
    this.dim = options.dim ?? 2048;
    this.wordNgrams = options.wordNgrams ?? [1, 2];
    this.charRange = options.charNgrams ?? [3, 5];
    this.promptWeight = options.promptWeight ?? 0.5;
    this.seed = (options.seed ?? 0) >>> 0;
    this.cueFeatures = options.cueFeatures ?? true;
    if (!Number.isInteger(this.dim) || this.dim < 1)
      throw new SteerableError('invalid-argument', `dim ${this.dim} must be a positive integer`, { field: 'dim', hint: 'e.g. 2048' });
    if (this.cueFeatures && this.dim <= 2 * RESPONSE_CUE_COUNT) {
      throw new SteerableError('invalid-argument', `dim ${this.dim} leaves no room for hashed n-grams next to ${RESPONSE_CUE_COUNT} response cues`, {
        field: 'dim',
        hint: `use dim > ${2 * RESPONSE_CUE_COUNT}, cueFeatures: false, or the cue-only ResponseCueFeaturizer`,
      });
    }
    this.hashedDim = this.cueFeatures ? this.dim - RESPONSE_CUE_COUNT : this.dim;
    if (this.charRange[0] < 1 || this.charRange[1] < this.charRange[0])
      throw new SteerableError('invalid-argument', `charNgrams ${JSON.stringify(this.charRange)} must be [min, max] with 1 <= min <= max`, {
        field: 'charNgrams',
      });
    this.scratch = new Float32Array(this.hashedDim);
    this.description = {
      kind: 'hashed-ngrams',
      dim: this.dim,
      wordNgrams: [...this.wordNgrams],
      charNgrams: [...this.charRange],
      promptWeight: this.promptWeight,
      seed: this.seed,
      cueFeatures: this.cueFeatures,
    };
  }

  /**
   * e(prompt, response): the hashed n-grams as a unit vector in the first dimensions (all zeros
   * only when both texts are empty), then the response cues when enabled.
   */
  featurize(prompt: string, response: string, out = new Float32Array(this.dim)): Float32Array {
    out.fill(0);
    const hashed = out.subarray(0, this.hashedDim);
    if (this.promptWeight > 0) this.addBlock(prompt, 0x70, this.promptWeight, hashed);
    this.addBlock(response, 0x72, 1, hashed);
    normalize(hashed);
    if (this.cueFeatures) writeResponseCues(prompt, response, out.subarray(this.hashedDim));
    return out;
  }

  async featurizeBatch(items: readonly FeaturizerInput[]): Promise<Float32Array> {
    const out = new Float32Array(items.length * this.dim);
    items.forEach((item, i) => this.featurize(item.prompt, item.response, out.subarray(i * this.dim, (i + 1) * this.dim)));
    return out;
  }

  /** Adds one namespace's normalised features, times `weight`, into `out`. */
  private addBlock(text: string, namespace: number, weight: number, out: Float32Array): void {
    const block = this.scratch;
    block.fill(0);
    const lower = text.toLowerCase();
    const base = mix(this.seed ^ Math.imul(namespace, 0x9e3779b1));
    const wordHashes: number[] = [];
    for (const match of lower.matchAll(WORD)) wordHashes.push(hashString(match[0], base));
    for (const n of this.wordNgrams) {
      for (let i = 0; i + n <= wordHashes.length; i++) {
        let h = mix(base ^ Math.imul(n, 0x85ebca6b));
        for (let j = 0; j < n; j++) h = mix(h ^ wordHashes[i + j]!);
        this.addFeature(block, h);
      }
    }
    // Character n-grams over the text with whitespace collapsed and a space at each end.
    const chars = ` ${lower.replace(/\s+/g, ' ').trim()} `;
    const [minN, maxN] = this.charRange;
    if (chars.length > 2) {
      for (let i = 0; i < chars.length; i++) {
        let h = mix(base ^ 0x27d4eb2d);
        for (let n = 1; n <= maxN && i + n <= chars.length; n++) {
          h = Math.imul(h ^ chars.charCodeAt(i + n - 1), 0x01000193);
          if (n >= minN) this.addFeature(block, mix(h ^ n));
        }
      }
    }
    let norm = 0;
    for (let i = 0; i < block.length; i++) norm += block[i]! * block[i]!;
    if (norm === 0) return;
    const scale = weight / Math.sqrt(norm);
    for (let i = 0; i < block.length; i++) out[i]! += block[i]! * scale;
  }

  private addFeature(block: Float32Array, hash: number): void {
    const bucket = (hash >>> 1) % this.hashedDim;
    block[bucket]! += hash & 1 ? 1 : -1;
  }
}

/** The built-in featurizer with default settings. */
export function hashedNgramFeaturizer(options: HashedNgramOptions = {}): HashedNgramFeaturizer {
  return new HashedNgramFeaturizer(options);
}

function hashString(text: string, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix(h);
}

/** murmur3's finaliser: every input bit affects every output bit. */
function mix(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function normalize(v: Float32Array): void {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
  if (norm === 0) return;
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
}
