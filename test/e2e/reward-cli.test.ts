import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '@steerable/cli-kit';
import { runTrainer } from '@steerable/trainer';
import { runEvaluation } from '@steerable/evaluation';
import { rewardEvalSchema } from '../../apps/evaluation/src/report/eval-contract.js';

const base = {
  seed: 0,
  data: { source: 'paper-synthetic', numPairs: 600, seed: 0 },
  training: { epochs: 1, batchSize: 8, numTargets: 4, contextSize: [0, 3], tasksPerEpoch: 16 },
  evaluation: { ks: [0, 1, 3], numTargets: 4, tasksPerUser: 6 },
};

describe('steerable-eval reward', () => {
  let dir: string;
  const runs: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steerable-eval-'));
    for (const [name, model] of [
      ['tiny-btl', { kind: 'btl', hiddenDim: 8 }],
      ['tiny-np-btl', { kind: 'np-btl', hiddenDim: 8, numHeads: 2, pairEncoder: 'mlp' }],
    ] as const) {
      const config = join(dir, `${name}.json`);
      await writeFile(config, JSON.stringify({ ...base, name, model }));
      const out = join(dir, name);
      const io = bufferIo();
      expect(await runTrainer(['reward', '--config', config, '--out', out, '--backend', 'cpu'], io), io.errors()).toBe(0);
      runs.push(out);
    }
  });

  it('writes eval.json that satisfies the contract, per user type and overall, for every k', async () => {
    const io = bufferIo();
    expect(await runEvaluation(['reward', '--run', runs[1]!, '--backend', 'cpu'], io), io.errors()).toBe(0);
    const evaluation = rewardEvalSchema.parse(JSON.parse(await readFile(join(runs[1]!, 'eval', 'eval.json'), 'utf8')));
    expect(evaluation.model).toBe('tiny-np-btl');
    expect(evaluation.k).toEqual([0, 1, 3]);
    expect(Object.keys(evaluation.heldout).sort()).toEqual(['moderation', 'more-is-better', 'overall']);
    for (const block of [evaluation.heldout, evaluation.all_targets]) {
      for (const byK of Object.values(block)) expect(Object.keys(byK).sort()).toEqual(['0', '1', '3']);
    }
    // 6 tasks per user type, 2 types.
    expect(evaluation.heldout.overall!['1']!.n).toBe(12);
    expect(evaluation.heldout.moderation!['1']!.n).toBe(6);
    // With k = 0 there is no context, so held-out and all-target accuracy coincide exactly.
    expect(evaluation.all_targets.overall!['0']).toEqual(evaluation.heldout.overall!['0']);
    const report = await readFile(join(runs[1]!, 'eval', 'report.html'), 'utf8');
    expect(report).toContain('<svg');
    // The optional additions: calibration per k, z at k = 1 and 10 (the test split has 60 labels per type), reward curves of 1-D data.
    expect(Object.keys(evaluation.calibration!.overall!)).toEqual(['0', '1', '3']);
    expect(new Set(evaluation.latents!.points.map((p) => p.k))).toEqual(new Set([1, 10]));
    expect(evaluation.reward_curves!.curves).toHaveLength(6);
    const figures = await readdir(join(runs[1]!, 'eval', 'figures'));
    for (const id of ['accuracy-vs-k', 'calibration-vs-k', 'reliability', 'latents-tiny-np-btl', 'reward-curve-tiny-np-btl', 'training-tiny-np-btl']) {
      expect(figures).toContain(`${id}.png`);
    }
    expect(io.text()).toMatch(/held-out accuracy/);
    expect(io.text()).toMatch(/tiny-np-btl\s+overall/);
  });

  it('several runs give one comparison table and one eval.json each', async () => {
    const io = bufferIo();
    const out = join(dir, 'comparison');
    expect(await runEvaluation(['reward', '--run', ...runs, '--out', out, '--k', '0,3', '--backend', 'cpu'], io), io.errors()).toBe(0);
    const table = io.text().split('\n\n')[0]!;
    expect(table).toMatch(/tiny-btl\s+overall/);
    expect(table).toMatch(/tiny-np-btl\s+overall/);
    expect(table).toMatch(/k=0\s+k=3/);
    for (const name of ['tiny-btl', 'tiny-np-btl']) {
      const evaluation = rewardEvalSchema.parse(JSON.parse(await readFile(join(out, name, 'eval.json'), 'utf8')));
      expect(evaluation.k).toEqual([0, 3]);
    }
  });

  it('evaluates the best-on-validation weights when the run kept them; --checkpoint latest takes the last step', async () => {
    const config = join(dir, 'best.json');
    const training = { ...base.training, epochs: 2, evaluateEvery: 2, validationTasksPerUser: 4, loadBestModelAtEnd: true };
    await writeFile(config, JSON.stringify({ ...base, name: 'tiny-best', model: { kind: 'np-btl', hiddenDim: 8, numHeads: 2, pairEncoder: 'mlp' }, training }));
    const run = join(dir, 'tiny-best');
    const trained = bufferIo();
    expect(await runTrainer(['reward', '--config', config, '--out', run, '--backend', 'cpu'], trained), trained.errors()).toBe(0);
    const best = bufferIo();
    expect(await runEvaluation(['reward', '--run', run, '--out', join(dir, 'best-eval'), '--backend', 'cpu'], best), best.errors()).toBe(0);
    expect(best.errors()).toContain(`(${join(run, 'checkpoints', 'best')})`);
    const latest = bufferIo();
    expect(
      await runEvaluation(['reward', '--run', run, '--checkpoint', 'latest', '--out', join(dir, 'latest-eval'), '--backend', 'cpu'], latest),
      latest.errors(),
    ).toBe(0);
    expect(latest.errors()).toContain(`(${join(run, 'checkpoints', 'step-4')})`);
    // Runs without a kept best (the two above) fall back to the latest step.
    const plain = bufferIo();
    expect(await runEvaluation(['reward', '--run', runs[1]!, '--out', join(dir, 'plain-eval'), '--backend', 'cpu'], plain), plain.errors()).toBe(0);
    expect(plain.errors()).toMatch(/checkpoints\/step-2\)/);
  });

  it('a directory that is not a run gives a clear error', async () => {
    const io = bufferIo();
    expect(await runEvaluation(['reward', '--run', dir, '--backend', 'cpu'], io)).toBe(2);
    expect(io.errors()).toMatch(/not a run directory/);
    expect(io.errors()).toMatch(/fix:/);
  });
  it("--data embeds the file with the run's own featurizer (response cues here, not the default n-grams)", async () => {
    const config = join(dir, 'cues.json');
    await writeFile(
      config,
      JSON.stringify({
        ...base,
        name: 'tiny-cues',
        data: { source: 'relabeled-hh', featurizer: { kind: 'response-cues' }, splitFractions: [0.5, 0.1, 0.4] },
        model: { kind: 'btl', hiddenDim: 8 },
        training: { ...base.training, contextSize: [0, 0] },
      }),
    );
    const run = join(dir, 'tiny-cues');
    const trained = bufferIo();
    expect(await runTrainer(['reward', '--config', config, '--out', run, '--backend', 'cpu'], trained), trained.errors()).toBe(0);
    const file = join(dir, 'user-pairs.jsonl');
    const pairs = Array.from({ length: 12 }, (_, i) => ({
      prompt: `Human: question ${i}?`,
      chosen: i % 2 ? "I'm sorry, I can't help with that." : `Here's how: first, try step ${i}.`,
      rejected: i % 2 ? 'Sure.' : 'No.',
      user_id: i < 6 ? 'a' : 'b',
    }));
    await writeFile(file, pairs.map((p) => JSON.stringify(p)).join('\n'));
    const io = bufferIo();
    const out = join(dir, 'cues-eval');
    expect(await runEvaluation(['reward', '--run', run, '--data', file, '--k', '0', '--out', out, '--backend', 'cpu'], io), io.errors()).toBe(0);
    const evaluation = rewardEvalSchema.parse(JSON.parse(await readFile(join(out, 'eval.json'), 'utf8')));
    expect(Object.keys(evaluation.heldout).sort()).toEqual(['a', 'b', 'overall']);
  });
});
