import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '@steerable/cli-kit';
import { runTrainer } from '../src/index.js';

const tinyConfig = {
  name: 'tiny-np-btl-early',
  seed: 3,
  data: { source: 'paper-synthetic', numPairs: 800, seed: 0 },
  model: { kind: 'np-btl', hiddenDim: 16, numHeads: 2, pairEncoder: 'mlp' },
  training: {
    epochs: 4,
    batchSize: 8,
    numTargets: 4,
    contextSize: [0, 3],
    tasksPerEpoch: 32,
    logEvery: 1,
    evaluateEvery: 1,
    validationTasksPerUser: 4,
    loadBestModelAtEnd: true,
    earlyStoppingPatience: 2,
  },
  evaluation: { ks: [0, 1, 3], numTargets: 4, tasksPerUser: 8 },
};

describe('steerable-train reward with training.earlyStoppingPatience', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steerable-reward-early-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stops after that many evaluations without a new best, says so, records it in summary.json and keeps the best weights', async () => {
    const config = join(dir, 'early.json');
    await writeFile(config, JSON.stringify(tinyConfig));
    const io = bufferIo();
    const out = join(dir, 'run');
    expect(await runTrainer(['reward', '--config', config, '--out', out, '--backend', 'cpu'], io), io.errors()).toBe(0);
    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const evals = metrics.filter((m) => m.event === 'eval');
    // Where patience 2 must stop, read off the validation scores the run logged.
    let best = -Infinity;
    let bestStep = 0;
    let since = 0;
    let stop = 0;
    for (const m of evals) {
      if (m['eval/accuracy'] > best) [best, bestStep, since] = [m['eval/accuracy'], m.step, 0];
      else if (++since >= 2) {
        stop = m.step;
        break;
      }
    }
    expect(stop).toBeGreaterThan(0);
    expect(stop).toBeLessThan(16);
    expect(Math.max(...metrics.filter((m) => m.event === 'step').map((m) => m.step))).toBe(stop);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({
      status: 'finished',
      steps: stop,
      best: { step: bestStep, metric: 'eval/accuracy', value: best },
      stopped_early: { step: stop, patience: 2 },
    });
    expect(io.errors()).toMatch(new RegExp(`stopped early at step ${stop} of 16: no better eval/accuracy in 2 evaluations since step ${bestStep}`));
    const manifest = JSON.parse(await readFile(join(out, 'checkpoints', 'best', 'manifest.json'), 'utf8'));
    expect(manifest.step).toBe(bestStep);

    // --resume of the stopped run trains nothing more.
    const again = bufferIo();
    expect(await runTrainer(['reward', '--resume', '--out', out, '--backend', 'cpu'], again), again.errors()).toBe(0);
    const after = (await readFile(join(out, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(Math.max(...after.filter((m) => m.event === 'step').map((m) => m.step))).toBe(stop);
    const steps = (await readdir(join(out, 'checkpoints'))).filter((name) => name.startsWith('step-')).map((name) => Number(name.slice(5)));
    expect(Math.max(...steps)).toBe(stop);
  });

  it('refuses earlyStoppingPatience without loadBestModelAtEnd, naming the field', async () => {
    const bad = join(dir, 'bad.json');
    const { loadBestModelAtEnd: _, ...training } = tinyConfig.training;
    await writeFile(bad, JSON.stringify({ ...tinyConfig, training }));
    const io = bufferIo();
    expect(await runTrainer(['reward', '--config', bad, '--out', join(dir, 'bad-run')], io)).toBe(2);
    expect(io.errors()).toMatch(/field 'training\.earlyStoppingPatience'/);
    expect(io.errors()).toMatch(/loadBestModelAtEnd/);
  });
});
