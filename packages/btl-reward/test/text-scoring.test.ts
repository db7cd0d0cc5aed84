import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import { HashedNgramFeaturizer, createFeaturizer, embedPairs, splitByPair } from '@steerable/preference-data';
import { createRewardModel, featurizerCheckpointExtra, loadRewardModel, loadRewardRun, trainRewardModel } from '../src/index.js';
import { twoTasteTextPairs } from './text-fixture.js';

let dir: string;
const featurizerConfig = { kind: 'response-cues' } as const;
const pairs = twoTasteTextPairs(120);
const detailChoices = pairs
  .filter((p) => p.user === 'detail-lover')
  .slice(0, 5)
  .map(({ prompt, chosen, rejected }) => ({ prompt, chosen, rejected }));
const brevityChoices = pairs
  .filter((p) => p.user === 'brevity-lover')
  .slice(5, 10)
  .map(({ prompt, chosen, rejected }) => ({ prompt, chosen, rejected }));
const prompt = 'Tell me about lamps.';
const longAnswer = 'Lamps is a rich subject. Many people enjoy it. There are several kinds. Ask me for more.';
const shortAnswer = 'Lamps is fine.';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'text-scoring-'));
  const featurizer = await createFeaturizer(featurizerConfig);
  const set = splitByPair(await embedPairs(pairs, featurizer), [0.8, 0.1, 0.1], 0);
  const model = createRewardModel({ kind: 'np-btl', inputDim: set.dim, hiddenDim: 16, numHeads: 2, conditioning: 'film', initSeed: 2 });
  await trainRewardModel({
    model,
    trainSet: set,
    sampler: { numTargets: 8, contextSize: [0, 5], batchSize: 16, tasksPerEpoch: 256 },
    optimizer: { lr: 3e-3 },
    epochs: 10,
    seed: 0,
    checkpointDir: join(dir, 'run', 'checkpoints'),
    checkpointExtra: featurizerCheckpointExtra({ config: featurizerConfig, description: featurizer.description }),
  });
  model.dispose();
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('personalised scoring from text', () => {
  it('conditions on five choices once; the order of two responses flips between users with opposite choices', async () => {
    const run = await loadRewardRun(join(dir, 'run'));
    const detail = await run.condition(detailChoices);
    const brevity = await run.condition(brevityChoices);
    expect(await detail.score(prompt, longAnswer)).toBeGreaterThan(await detail.score(prompt, shortAnswer));
    expect(await brevity.score(prompt, longAnswer)).toBeLessThan(await brevity.score(prompt, shortAnswer));
    expect(await detail.compare(prompt, longAnswer, shortAnswer)).toBeGreaterThan(0.5);
    expect(await brevity.compare(prompt, longAnswer, shortAnswer)).toBeLessThan(0.5);
    // compare is the BTL probability of the two scores.
    const [a, b] = await brevity.scores([
      { prompt, response: longAnswer },
      { prompt, response: shortAnswer },
    ]);
    expect(await brevity.compare(prompt, longAnswer, shortAnswer)).toBeCloseTo(1 / (1 + Math.exp(-(a! - b!))), 6);
    detail.dispose();
    brevity.dispose();
    run.dispose();
  });

  it('freeze() saves a context-free checkpoint that scores as the conditioned user did', async () => {
    const run = await loadRewardRun(join(dir, 'run'));
    const brevity = await run.condition(brevityChoices);
    const expected = await brevity.scores([
      { prompt, response: longAnswer },
      { prompt, response: shortAnswer },
    ]);
    const frozenDir = await brevity.saveFrozen(join(dir, 'frozen-brevity'));
    const { model: frozenModel, manifest } = await loadRewardModel(frozenDir);
    expect(manifest.model.config).toMatchObject({ kind: 'np-btl', frozenUser: true });
    expect(frozenModel.usesContext).toBe(false);
    frozenModel.dispose();
    const frozen = await loadRewardRun(frozenDir);
    const nobody = await frozen.prior();
    const got = await nobody.scores([
      { prompt, response: longAnswer },
      { prompt, response: shortAnswer },
    ]);
    for (const [i, value] of got.entries()) expect(value).toBeCloseTo(expected[i]!, 5);
    // Context is ignored by the frozen model: conditioning on the other user's choices changes nothing.
    const other = await frozen.condition(detailChoices);
    expect(await other.score(prompt, longAnswer)).toBeCloseTo(expected[0]!, 5);
    for (const user of [brevity, nobody, other]) user.dispose();
    run.dispose();
    frozen.dispose();
  });

  it('refuses to score with a featurizer other than the one the run was trained on', async () => {
    await expect(loadRewardRun(join(dir, 'run'), { featurizer: new HashedNgramFeaturizer({ dim: 256 }) })).rejects.toThrow(
      /trained on embeddings from .*response-cues.*hashed-ngrams/s,
    );
  });

  it('leaks no tensor over condition, score and dispose', async () => {
    const run = await loadRewardRun(join(dir, 'run'));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const user = await run.condition(detailChoices);
      await user.compare(prompt, longAnswer, shortAnswer);
      user.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    run.dispose();
  });
});
