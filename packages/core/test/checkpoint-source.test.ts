import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  disposeCheckpoint,
  fetchCheckpointSource,
  loadCheckpoint,
  loadCheckpointFrom,
  memoryCheckpointSource,
  saveCheckpoint,
  sha256Hex,
  sha256HexAsync,
  SteerableError,
} from '../src/index.js';

let root: string;
let files: Record<string, Uint8Array>;
/** What the test server answers per path (tests edit it), and every path it was asked for. */
const served = new Map<string, { body: Uint8Array; type?: string; chunked?: boolean }>();
const requested: string[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'steerable-source-'));
  const weight = tf.tensor2d([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const moment = tf.fill([2, 3], 0.5);
  await saveCheckpoint(join(root, 'ckpt'), {
    step: 7,
    model: { kind: 'toy', config: { width: 3 }, state: new Map([['layer.weight', weight]]) },
    optimizer: { kind: 'adam', config: {}, step: 7, state: new Map([['layer.weight.exp_avg', moment]]) },
    extra: { note: 'hello' },
  });
  tf.dispose([weight, moment]);
  files = {};
  for (const name of await readdir(join(root, 'ckpt'))) files[name] = new Uint8Array(await readFile(join(root, 'ckpt', name)));
  server = createServer((request, response) => {
    requested.push(request.url!);
    const entry = served.get(request.url!);
    if (!entry) {
      response.writeHead(404).end();
      return;
    }
    // chunked: no Content-Length, so only counting the streamed bytes can stop an oversized body.
    response.writeHead(200, {
      'content-type': entry.type ?? 'application/octet-stream',
      ...(entry.chunked ? {} : { 'content-length': entry.body.byteLength }),
    });
    if (request.method === 'HEAD') response.end();
    else if (entry.chunked) {
      for (let offset = 0; offset < entry.body.byteLength; offset += 1024) response.write(entry.body.subarray(offset, offset + 1024));
      response.end();
    } else response.end(entry.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

function serveCheckpoint(prefix: string, overrides: Record<string, Uint8Array> = {}): void {
  served.clear();
  for (const [name, body] of Object.entries({ ...files, ...overrides })) served.set(`${prefix}/${name}`, { body });
}

async function values(contents: { weights: Map<string, tf.Tensor> }, name: string): Promise<number[]> {
  return Array.from(await contents.weights.get(name)!.data());
}

async function refusal(promise: Promise<unknown>): Promise<SteerableError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SteerableError);
  return error as SteerableError;
}

describe('loadCheckpointFrom', () => {
  it('reads the same checkpoint from bytes in memory as loadCheckpoint reads from its directory, without the optimizer unless asked', async () => {
    const fromDisk = await loadCheckpoint(join(root, 'ckpt'));
    const fromMemory = await loadCheckpointFrom(memoryCheckpointSource(files, 'mem'));
    expect(fromMemory.manifest).toEqual(fromDisk.manifest);
    expect(await values(fromMemory, 'layer.weight')).toEqual(await values(fromDisk, 'layer.weight'));
    expect(fromMemory.optimizerState).toBeNull();
    const withOptimizer = await loadCheckpointFrom(memoryCheckpointSource(files), { optimizerState: true });
    expect(Array.from(await withOptimizer.optimizerState!.get('layer.weight.exp_avg')!.data())).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    for (const contents of [fromDisk, fromMemory, withOptimizer]) disposeCheckpoint(contents);
  });

  it('computes the same SHA-256 with Web Crypto as with node:crypto', async () => {
    const bytes = files['weights.safetensors']!;
    expect(await sha256HexAsync(bytes)).toBe(sha256Hex(bytes));
  });

  it('refuses a weight file whose bytes changed, naming the file and the sha256 field', async () => {
    const damaged = files['weights.safetensors']!.slice();
    damaged[damaged.length - 1]! ^= 0x01;
    const error = await refusal(loadCheckpointFrom(memoryCheckpointSource({ ...files, 'weights.safetensors': damaged }, 'mem')));
    expect(error.code).toBe('damaged-checkpoint');
    expect(error.file).toBe('mem/weights.safetensors');
    expect(error.field).toBe('sha256');
  });

  it('refuses a missing weight file and a manifest that is not JSON', async () => {
    const { 'weights.safetensors': _weights, ...noWeights } = files;
    expect((await refusal(loadCheckpointFrom(memoryCheckpointSource(noWeights, 'mem')))).file).toBe('mem/weights.safetensors');
    const error = await refusal(loadCheckpointFrom(memoryCheckpointSource({ ...files, 'manifest.json': '<html>' }, 'mem')));
    expect(error.code).toBe('damaged-checkpoint');
    expect(error.file).toBe('mem/manifest.json');
  });
});

describe('fetchCheckpointSource', () => {
  it('loads a checkpoint served over HTTP, asking only for the manifest and the weights', async () => {
    serveCheckpoint('/runs/a');
    requested.length = 0;
    const contents = await loadCheckpointFrom(fetchCheckpointSource(`${base}/runs/a`));
    expect(await values(contents, 'layer.weight')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(contents.manifest.extra).toEqual({ note: 'hello' });
    expect(requested).toEqual(['/runs/a/manifest.json', '/runs/a/weights.safetensors']);
    disposeCheckpoint(contents);
  });

  it('refuses a response longer than the size the manifest records, declared or streamed', async () => {
    const grown = new Uint8Array(files['weights.safetensors']!.byteLength + 64 * 1024);
    grown.set(files['weights.safetensors']!);
    for (const chunked of [false, true]) {
      serveCheckpoint('/runs/b', { 'weights.safetensors': grown });
      served.get('/runs/b/weights.safetensors')!.chunked = chunked;
      const error = await refusal(loadCheckpointFrom(fetchCheckpointSource(`${base}/runs/b/`)));
      expect(error.code).toBe('damaged-checkpoint');
      expect(error.field).toBe('bytes');
      expect(error.file).toBe(`${base}/runs/b/weights.safetensors`);
      // Streamed: abandoned within a chunk or so of the limit, not read to the end.
      if (chunked) expect(Number(/at least (\d+)/.exec(error.message)![1])).toBeLessThan(grown.byteLength);
    }
  });

  it('loads a chunked response of the right size', async () => {
    serveCheckpoint('/runs/d');
    served.get('/runs/d/weights.safetensors')!.chunked = true;
    const contents = await loadCheckpointFrom(fetchCheckpointSource(`${base}/runs/d`));
    expect(await values(contents, 'layer.weight')).toEqual([1, 2, 3, 4, 5, 6]);
    disposeCheckpoint(contents);
  });

  it('refuses a relative URL outside a page, saying to pass an absolute one', () => {
    const error = (() => {
      try {
        fetchCheckpointSource('runs/a');
      } catch (caught) {
        return caught as SteerableError;
      }
      return null;
    })();
    expect(error?.code).toBe('invalid-url');
    expect(error?.hint).toContain('absolute URL');
  });

  it('names the URL of a file the server does not have', async () => {
    serveCheckpoint('/runs/c');
    served.delete('/runs/c/weights.safetensors');
    const error = await refusal(loadCheckpointFrom(fetchCheckpointSource(`${base}/runs/c`)));
    expect(error.code).toBe('damaged-checkpoint');
    expect(error.message).toContain('HTTP 404');
    expect(error.file).toBe(`${base}/runs/c/weights.safetensors`);
  });
});
