import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SteerableError } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import { createFeaturizer, embedPairs, splitByPair } from '@steerable/preference-data';
import { createRewardModel, featurizerCheckpointExtra, fetchRewardRun, loadRewardRun, trainRewardModel } from '../src/index.js';
import { twoTasteTextPairs } from './text-fixture.js';

let dir: string;
let server: Server;
let base: string;
/** Answer unknown paths with an HTML page (status 200), as a single-page app server does. */
let spaFallback = false;
const requested: string[] = [];
const featurizerConfig = { kind: 'response-cues' } as const;
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
});
