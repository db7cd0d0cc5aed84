/** One text to embed: a prompt and one response to it. */
export interface FeaturizerInput {
  prompt: string;
  response: string;
}

/**
 * Turns (prompt, response) into a fixed-size float32 vector e(x, y). Implementations: the
 * built-in hashed n-gram featurizer (no download) and the optional transformers.js adapter.
 */
export interface Featurizer {
  readonly dim: number;
  /** Recorded in EmbeddedPairSet.embedding so a model knows what its inputs were. */
  readonly description: { kind: string; [key: string]: unknown };
  /** Row-major [items.length, dim]. */
  featurizeBatch(items: readonly FeaturizerInput[]): Promise<Float32Array>;
}
