import { mkdtemp, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BuiltinDatasetName, RESPONSE_CUE_COUNT, builtinDatasetPath } from '@steerable/preference-data';
import { bufferIo } from '@steerable/cli-kit';
import { entryToFloat32, readSafetensors } from '@steerable/core';
import { runTrainer } from '../src/index.js';

const tinyConfig = {
  name: 'tiny-np-btl',
  seed: 3,
  data: { source: 'paper-synthetic', numPairs: 800, seed: 0 },
  model: { kind: 'np-btl', hiddenDim: 16, numHeads: 2, pairEncoder: 'mlp' },
  training: { epochs: 2, batchSize: 8, numTargets: 4, contextSize: [0, 3], tasksPerEpoch: 32, logEvery: 1 },
  evaluation: { ks: [0, 1, 3], numTargets: 4, tasksPerUser: 8 },
};

// A BTL on the built-in relabeled HH pairs, embedded by response cues (no encoder to load), 50/10/40.
const tinyCuesConfig = {
  name: 'tiny-cues',
  data: { source: 'relabeled-hh', featurizer: { kind: 'response-cues' }, splitFractions: [0.5, 0.1, 0.4] },
  model: { kind: 'btl', hiddenDim: 8 },
  training: { epochs: 1, batchSize: 4, numTargets: 4, contextSize: [0, 0], tasksPerEpoch: 8, logEvery: 1 },
};

describe('steerable-train reward', () => {
  let dir: string;
  let configPath: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steerable-reward-'));
    configPath = join(dir, 'tiny.json');
    await writeFile(configPath, JSON.stringify(tinyConfig));
  });

  it('trains from a config file and writes config.json, metrics.jsonl and a checkpoint', async () => {
    const io = bufferIo();
    const out = join(dir, 'run');
    const code = await runTrainer(['reward', '--config', configPath, '--out', out, '--backend', 'cpu'], io);
    expect(io.errors()).not.toMatch(/error/);
    expect(code).toBe(0);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    // Every default made explicit: the model config is resolved, the input size comes from the data.
    expect(config.model).toMatchObject({ kind: 'np-btl', inputDim: 1, hiddenDim: 16, numHeads: 2, initSeed: 3, aggregation: 'self-attention-sum' });
    expect(config.training.optimizer).toEqual({ kind: 'adam', lr: 1e-4, eps: 3e-5, betas: [0.9, 0.999], maxGradNorm: null });
    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const steps = metrics.filter((m) => m.event === 'step');
    expect(steps.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const m of steps) expect(Number.isFinite(m.loss) && m.loss > 0).toBe(true);
    expect(await readdir(join(out, 'checkpoints'))).toContain('step-8');
  });

  it('refuses to overwrite an existing run without --overwrite or --resume', async () => {
    const io = bufferIo();
    const code = await runTrainer(['reward', '--config', configPath, '--out', join(dir, 'run'), '--backend', 'cpu'], io);
    expect(code).toBe(2);
    expect(io.errors()).toMatch(/already holds a run/);
    expect(io.errors()).toMatch(/--resume/);
  });

  it('--resume continues the run to more epochs and keeps one metrics record per step', async () => {
    const io = bufferIo();
    const out = join(dir, 'run');
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    config.training.epochs = 3;
    await writeFile(join(out, 'config.json'), JSON.stringify(config));
    const code = await runTrainer(['reward', '--resume', '--out', out, '--backend', 'cpu'], io);
    expect(code).toBe(0);
    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(metrics.filter((m) => m.event === 'step').map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('loadBestModelAtEnd keeps the best-on-validation weights in checkpoints/best and logs the validation scores', async () => {
    const config = join(dir, 'best.json');
    await writeFile(
      config,
      JSON.stringify({
        ...tinyConfig,
        training: { ...tinyConfig.training, evaluateEvery: 2, validationTasksPerUser: 4, loadBestModelAtEnd: true, metricForBestModel: 'eval/accuracy@k=1' },
      }),
    );
    const io = bufferIo();
    const out = join(dir, 'best-run');
    expect(await runTrainer(['reward', '--config', config, '--out', out, '--backend', 'cpu'], io), io.errors()).toBe(0);
    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const evals = metrics.filter((m) => m.event === 'eval');
    expect(evals.map((m) => m.step)).toEqual([2, 4, 6, 8]);
    const best = Math.max(...evals.map((m) => m['eval/accuracy@k=1']));
    const firstBest = evals.find((m) => m['eval/accuracy@k=1'] === best)!;
    expect(evals.at(-1)!['eval/best_accuracy@k=1']).toBe(best);
    expect(evals.at(-1)!['eval/best_step']).toBe(firstBest.step);
    const manifest = JSON.parse(await readFile(join(out, 'checkpoints', 'best', 'manifest.json'), 'utf8'));
    expect(manifest.step).toBe(firstBest.step);
    expect(io.errors()).toMatch(new RegExp(`best on validation: step ${firstBest.step}, eval/accuracy@k=1`));
    // The progress lines carry the latest validation score once there is one.
    expect(io.errors()).toMatch(/step 3\/8 .*\| eval\/accuracy@k=1 \d\.\d{3} \(best \d\.\d{3} at step 2\)/);
  });

  it('refuses loadBestModelAtEnd without evaluateEvery, naming the field', async () => {
    const bad = join(dir, 'best-bad.json');
    await writeFile(bad, JSON.stringify({ ...tinyConfig, training: { ...tinyConfig.training, loadBestModelAtEnd: true } }));
    const io = bufferIo();
    expect(await runTrainer(['reward', '--config', bad, '--out', join(dir, 'best-bad-run')], io)).toBe(2);
    expect(io.errors()).toMatch(/field 'training\.loadBestModelAtEnd'/);
    expect(io.errors()).toMatch(/evaluateEvery/);
    const typo = join(dir, 'best-typo.json');
    await writeFile(
      typo,
      JSON.stringify({ ...tinyConfig, training: { ...tinyConfig.training, evaluateEvery: 2, loadBestModelAtEnd: true, metricForBestModel: 'eval/acuracy' } }),
    );
    const io2 = bufferIo();
    expect(await runTrainer(['reward', '--config', typo, '--out', join(dir, 'best-typo-run')], io2)).toBe(2);
    expect(io2.errors()).toMatch(/field 'training\.metricForBestModel'/);
    expect(io2.errors()).toMatch(/eval\/accuracy@k=3/);
  });

  it('names the field of an invalid config file', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ ...tinyConfig, training: { ...tinyConfig.training, epochs: -1 } }));
    const io = bufferIo();
    expect(await runTrainer(['reward', '--config', bad, '--out', join(dir, 'bad-run')], io)).toBe(2);
    expect(io.errors()).toContain(bad);
    expect(io.errors()).toMatch(/field 'training\.epochs'/);
    expect(io.errors()).not.toMatch(/\n\s+at /);
  });

  it('trains on the built-in relabeled HH data with the response-cue featurizer and its split', async () => {
    const cues = join(dir, 'cues.json');
    await writeFile(cues, JSON.stringify(tinyCuesConfig));
    const out = join(dir, 'cues-run');
    const io = bufferIo();
    expect(await runTrainer(['reward', '--config', cues, '--out', out, '--backend', 'cpu'], io)).toBe(0);
    const saved = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(saved.data).toMatchObject({ source: 'relabeled-hh', featurizer: { kind: 'response-cues' }, splitFractions: [0.5, 0.1, 0.4] });
    expect(saved.model.inputDim).toBe(RESPONSE_CUE_COUNT);

    const bad = join(dir, 'bad-featurizer.json');
    await writeFile(bad, JSON.stringify({ ...JSON.parse(await readFile(cues, 'utf8')), data: { source: 'relabeled-hh', featurizer: { kind: 'bert' } } }));
    const badIo = bufferIo();
    expect(await runTrainer(['reward', '--config', bad, '--out', join(dir, 'bad-featurizer-run')], badIo)).toBe(2);
    expect(badIo.errors()).toMatch(/field 'data\.featurizer\.kind'/);
    expect(badIo.errors()).toMatch(/hashed-ngrams/);
  });

  it('--data keeps the featurizer and the split of a built-in source: the same pairs in a file train the same run', async () => {
    const config = join(dir, 'hh-split.json');
    await writeFile(config, JSON.stringify({ ...tinyCuesConfig, name: 'tiny-hh-split', seed: 2, data: { ...tinyCuesConfig.data, seed: 2 } }));
    // The built-in source's two files, helpful then harmless, as one gzip file (members concatenated).
    const file = join(dir, 'relabeled-hh-both.jsonl.gz');
    const parts = await Promise.all(['relabeled-hh/helpful', 'relabeled-hh/harmless'].map((name) => readFile(builtinDatasetPath(name as BuiltinDatasetName))));
    await writeFile(file, Buffer.concat(parts));
    const builtIn = join(dir, 'hh-built-in');
    const fromFile = join(dir, 'hh-from-file');
    const io = bufferIo();
    expect(await runTrainer(['reward', '--config', config, '--out', builtIn, '--backend', 'cpu'], io), io.errors()).toBe(0);
    expect(await runTrainer(['reward', '--config', config, '--data', file, '--out', fromFile, '--backend', 'cpu'], io), io.errors()).toBe(0);
    const saved = JSON.parse(await readFile(join(fromFile, 'config.json'), 'utf8'));
    expect(saved.data).toMatchObject({ source: 'file', path: file, featurizer: { kind: 'response-cues' }, seed: 2, splitFractions: [0.5, 0.1, 0.4] });
    const weights = async (run: string) => {
      const { tensors } = await readSafetensors(join(run, 'checkpoints', 'step-2', 'weights.safetensors'));
      return new Map([...tensors].map(([name, entry]) => [name, Array.from(entryToFloat32(entry, name))]));
    };
    const [a, b] = [await weights(builtIn), await weights(fromFile)];
    expect(a.size).toBeGreaterThan(0);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, values] of a) expect(b.get(name), name).toEqual(values);
  });

  it('names the presets when the preset is unknown, and lists them', async () => {
    const io = bufferIo();
    expect(await runTrainer(['reward', '--preset', 'nope'], io)).toBe(2);
    expect(io.errors()).toMatch(/synthetic-np-btl/);
    const list = bufferIo();
    expect(await runTrainer(['reward', '--list-presets'], list)).toBe(0);
    for (const name of [
      'synthetic-btl',
      'synthetic-dpl',
      'synthetic-np-btl',
      'synthetic-np-btl-paper-batchnorm',
      'relabeled-hh-btl-mixed',
      'relabeled-hh-btl-helpful',
      'relabeled-hh-btl-harmless',
      'relabeled-hh-np-btl',
      'relabeled-hh-vpl',
      'generic',
    ]) {
      expect(list.text()).toContain(name);
    }
  });

  it('a non-default beta2 and a gradient-norm clip in the config reach the optimizer', async () => {
    // After one Adam step m = (1 - beta1) g and v = (1 - beta2) g^2 for the clipped gradient g, so
    // v / m^2 = (1 - beta2) / (1 - beta1)^2 reads beta2 back from the saved moments, and |g| = |m| / 0.1
    // reads the clip back (1e-6, far below any unclipped gradient here).
    const config = join(dir, 'optimizer.json');
    await writeFile(
      config,
      JSON.stringify({ ...tinyConfig, training: { ...tinyConfig.training, epochs: 1, tasksPerEpoch: 8, optimizer: { betas: [0.9, 0.5], maxGradNorm: 1e-6 } } }),
    );
    const out = join(dir, 'optimizer-run');
    const io = bufferIo();
    expect(await runTrainer(['reward', '--config', config, '--out', out, '--backend', 'cpu'], io), io.errors()).toBe(0);
    const { tensors } = await readSafetensors(join(out, 'checkpoints', 'step-1', 'optimizer.safetensors'));
    let squaredNorm = 0;
    const ratios: number[] = [];
    for (const [name, entry] of tensors) {
      if (!name.endsWith('.exp_avg')) continue;
      const m = entryToFloat32(entry, name);
      const v = entryToFloat32(tensors.get(name.replace(/\.exp_avg$/, '.exp_avg_sq'))!, name);
      m.forEach((mi, i) => {
        squaredNorm += (mi / 0.1) ** 2;
        if (Math.abs(mi) > 1e-12) ratios.push(v[i]! / (mi * mi));
      });
    }
    expect(ratios.length).toBeGreaterThan(100);
    for (const ratio of ratios) expect(ratio).toBeCloseTo((1 - 0.5) / 0.01, 1);
    expect(Math.sqrt(squaredNorm)).toBeLessThan(1.01e-6);
    expect(Math.sqrt(squaredNorm)).toBeGreaterThan(0.5e-6);
  });

  it('a config with a misspelt key exits 2 naming the key, its path and the valid one', async () => {
    const config = join(dir, 'typo.json');
    await writeFile(config, JSON.stringify({ ...tinyConfig, training: { ...tinyConfig.training, optimizer: { lr: 1e-3, beta2: 0.99 } } }));
    const io = bufferIo();
    expect(await runTrainer(['reward', '--config', config, '--out', join(dir, 'typo-run')], io)).toBe(2);
    expect(io.errors()).toContain(`${config}: field 'training.optimizer.beta2': unknown key 'beta2' in 'training.optimizer'`);
    expect(io.errors()).toMatch(/did you mean 'betas'\?/);
    expect(io.errors()).not.toMatch(/\n\s+at /);
  });
});
