/** One text to embed: a prompt and one response to it. */
export interface FeaturizerInput {
  prompt: string;
  response: string;
}

/** How far a featurizeBatch call has got: `done` of `total` units (texts encoded, items featurized). */
export interface FeaturizeProgress {
  done: number;
  total: number;
  unit: 'texts' | 'items';
}

/** Per-call options of featurizeBatch; featurizers that have nothing to report ignore them. */
export interface FeaturizeOptions {
  /** Called as the batch advances; a slow encoder calls it after every forward pass. */
  onProgress?: (progress: FeaturizeProgress) => void;
}

/**
 * Turns (prompt, response) into a fixed-size float32 vector e(x, y). Implementations: the
 * built-in hashed n-gram and response-cue featurizers (no download), the USE-lite sentence encoder
 * (an optional package) and the transformers.js adapter for a model a user brings.
 */
export interface Featurizer {
  readonly dim: number;
  /** Recorded in EmbeddedPairSet.embedding so a model knows what its inputs were. */
  readonly description: { kind: string; [key: string]: unknown };
  /** Row-major [items.length, dim]. */
  featurizeBatch(items: readonly FeaturizerInput[], options?: FeaturizeOptions): Promise<Float32Array>;
  /** Frees what the featurizer holds (model weights); it cannot be used afterwards. */
  dispose?(): void;
}
