import * as tf from '@tensorflow/tfjs';
import { mkdtemp, mkdir, readdir, readFile, rm, truncate, writeFile, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CheckpointDirectory,
  type CheckpointWarning,
  disposeCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
  type SaveCheckpointInput,
  SteerableError,
  serializeSafetensors,
  float32Entry,
  verifyCheckpoint,
} from '../src/index.js';

let root: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'steerable-ckpt-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A checkpoint whose weights encode the step, so the test can tell which one was loaded. */
function input(step: number): SaveCheckpointInput {
  return {
    step,
    model: {
      kind: 'toy',
      config: { width: 3 },
      state: new Map([
        ['layer.weight', tf.fill([2, 3], step)],
        ['layer.count', tf.tensor([step], [1], 'int32')],
      ]),
    },
    optimizer: { kind: 'adam', config: { lr: 0.1 }, step, state: new Map([['layer.weight.exp_avg', tf.fill([2, 3], step / 10)]]) },
    rng: { data: [1, 2, 3, step] },
    extra: { note: `step ${step}` },
  };
}

function disposeInput(value: SaveCheckpointInput): void {
  for (const t of value.model.state.values()) t.dispose();
  for (const t of value.optimizer?.state.values() ?? []) t.dispose();
}

async function saveSteps(dir: CheckpointDirectory, steps: number[]): Promise<void> {
  for (const step of steps) {
    const value = input(step);
    await dir.save(value);
    disposeInput(value);
  }
}

async function flipByte(file: string, offsetFromEnd: number): Promise<void> {
  const bytes = await readFile(file);
  bytes[bytes.length - offsetFromEnd]! ^= 0x01;
  await writeFile(file, bytes);
}

async function loadedStep(dir: CheckpointDirectory, warnings: CheckpointWarning[]): Promise<number> {
  const loaded = await dir.loadLatest({ onWarning: (w) => warnings.push(w) });
  expect(loaded).not.toBeNull();
  const weight = (await loaded!.contents.weights.get('layer.weight')!.data())[0]!;
  expect(loaded!.contents.manifest.step).toBe(weight);
  disposeCheckpoint(loaded!.contents);
  return weight;
}

describe('checkpoints with checksums', () => {
  it('records every file with its size and sha256, and loads back exactly', async () => {
    const before = tf.memory().numTensors;
    const value = input(7);
    const manifest = await saveCheckpoint(join(root, 'ck'), value);
    disposeInput(value);
    const weights = await readFile(join(root, 'ck', 'weights.safetensors'));
    expect(manifest.version).toBe(2);
    expect(manifest.files!['weights.safetensors']!.bytes).toBe(weights.length);
    expect(manifest.files!['weights.safetensors']!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(manifest.files!).sort()).toEqual(['optimizer.safetensors', 'weights.safetensors']);
    const contents = await loadCheckpoint(join(root, 'ck'));
    expect(await contents.weights.get('layer.weight')!.data()).toEqual(new Float32Array(6).fill(7));
    expect(await contents.weights.get('layer.count')!.data()).toEqual(new Int32Array([7]));
    expect(await contents.optimizerState!.get('layer.weight.exp_avg')!.data()).toEqual(new Float32Array(6).fill(0.7));
    expect(contents.manifest.rng['data']).toEqual([1, 2, 3, 7]);
    expect(contents.warnings).toEqual([]);
    disposeCheckpoint(contents);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the last N and leaves no temporaries behind', async () => {
    const dir = new CheckpointDirectory(join(root, 'checkpoints'), { keepLast: 2 });
    await saveSteps(dir, [1, 2, 3, 4]);
    expect(await dir.steps()).toEqual([3, 4]);
    expect((await readdir(dir.root)).sort()).toEqual(['latest.json', 'step-3', 'step-4']);
    expect(JSON.parse(await readFile(join(dir.root, 'latest.json'), 'utf8'))).toEqual({ step: 4, path: 'step-4' });
  });

  for (const damage of ['truncated', 'one byte flipped'] as const) {
    it(`newest weights ${damage}: loading falls back to the previous checkpoint and the warning names the file`, async () => {
      const dir = new CheckpointDirectory(join(root, 'checkpoints'));
      await saveSteps(dir, [10, 20, 30]);
      const weights = join(dir.stepDir(30), 'weights.safetensors');
      if (damage === 'truncated') await truncate(weights, (await stat(weights)).size - 5);
      else await flipByte(weights, 3);
      const direct = await loadCheckpoint(dir.stepDir(30)).catch((e: unknown) => e);
      expect(direct).toBeInstanceOf(SteerableError);
      expect((direct as SteerableError).code).toBe('damaged-checkpoint');
      expect((direct as SteerableError).file).toBe(weights);
      expect((direct as SteerableError).field).toBe(damage === 'truncated' ? 'bytes' : 'sha256');

      const warnings: CheckpointWarning[] = [];
      expect(await loadedStep(dir, warnings)).toBe(20);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.code).toBe('damaged-checkpoint');
      expect(warnings[0]!.file).toBe(weights);
      expect(warnings[0]!.message).toContain(weights);
      expect(warnings[0]!.message).toContain(`falling back to ${dir.stepDir(20)}`);

      const viaLatest: CheckpointWarning[] = [];
      expect(await dir.latest({ onWarning: (w) => viaLatest.push(w) })).toBe(dir.stepDir(20));
      expect(viaLatest.map((w) => w.file)).toEqual([weights]);
    });
  }

  it('the directory-wide onWarning receives the fallback too, and the returned warnings list it', async () => {
    const seen: CheckpointWarning[] = [];
    const dir = new CheckpointDirectory(join(root, 'checkpoints'), { onWarning: (w) => seen.push(w) });
    await saveSteps(dir, [1, 2]);
    await rm(join(dir.stepDir(2), 'optimizer.safetensors'));
    const loaded = await dir.loadLatest();
    expect(loaded!.dir).toBe(dir.stepDir(1));
    expect(loaded!.warnings.map((w) => w.file)).toEqual([join(dir.stepDir(2), 'optimizer.safetensors')]);
    expect(seen).toEqual(loaded!.warnings);
    disposeCheckpoint(loaded!.contents);
  });

  it('a manifest that is cut short, edited or names a path outside is damaged; an older one is used', async () => {
    const dir = new CheckpointDirectory(join(root, 'checkpoints'), { keepLast: 0 });
    await saveSteps(dir, [1, 2, 3, 4]);
    const manifest = (step: number) => join(dir.stepDir(step), 'manifest.json');
    const text = await readFile(manifest(4), 'utf8');
    await writeFile(manifest(4), text.slice(0, text.length / 2));
    const edited = JSON.parse(await readFile(manifest(3), 'utf8'));
    edited.step = -1;
    await writeFile(manifest(3), JSON.stringify(edited));
    const escaping = JSON.parse(await readFile(manifest(2), 'utf8'));
    escaping.files['../../outside.safetensors'] = escaping.files['weights.safetensors'];
    await writeFile(manifest(2), JSON.stringify(escaping));
    const warnings: CheckpointWarning[] = [];
    expect(await loadedStep(dir, warnings)).toBe(1);
    expect(warnings.map((w) => [w.file, w.field])).toEqual([
      [manifest(4), undefined],
      [manifest(3), 'step'],
      [manifest(2), 'files.../../outside.safetensors'],
    ]);
    expect(warnings[2]!.error!.code).toBe('damaged-checkpoint');
    expect(warnings[2]!.message).toMatch(/not a plain file name/);
    expect(warnings[0]!.error!.line).toBeGreaterThan(0);
  });

  it('a weights file that is a symlink out of the checkpoint is refused', async () => {
    const dir = new CheckpointDirectory(join(root, 'checkpoints'));
    await saveSteps(dir, [1, 2]);
    const weights = join(dir.stepDir(2), 'weights.safetensors');
    const outside = join(root, 'outside.safetensors');
    await writeFile(outside, await readFile(weights));
    await rm(weights);
    await symlink(outside, weights);
    const warnings: CheckpointWarning[] = [];
    expect(await loadedStep(dir, warnings)).toBe(1);
    expect(warnings[0]!.field).toBe('files.weights.safetensors');
    expect(warnings[0]!.message).toMatch(/leads outside .*through a symlink/);
  });

  it('NaN weights make a checkpoint damaged (the one before is used)', async () => {
    const dir = new CheckpointDirectory(join(root, 'checkpoints'));
    await saveSteps(dir, [1]);
    const bad = input(2);
    bad.model.state.get('layer.weight')!.dispose();
    bad.model.state.set(
      'layer.weight',
      tf.tensor([
        [2, 2, 2],
        [2, Number.NaN, 2],
      ]),
    );
    await dir.save(bad);
    disposeInput(bad);
    const warnings: CheckpointWarning[] = [];
    expect(await loadedStep(dir, warnings)).toBe(1);
    expect(warnings[0]!.field).toBe('layer.weight');
    expect(warnings[0]!.message).toMatch(/holds NaN at flat index 4/);
  });

  it('every checkpoint damaged: a clear error, not a silent fresh start; none at all: null', async () => {
    const dir = new CheckpointDirectory(join(root, 'checkpoints'));
    expect(await dir.loadLatest()).toBeNull();
    expect(await dir.latest()).toBeNull();
    await saveSteps(dir, [1]);
    await flipByte(join(dir.stepDir(1), 'weights.safetensors'), 1);
    const error = await dir.loadLatest().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SteerableError);
    expect((error as SteerableError).code).toBe('no-valid-checkpoint');
    expect((error as SteerableError).file).toBe(join(dir.stepDir(1), 'weights.safetensors'));
  });

  it('a newer checkpoint version is refused (upgrade), not skipped', async () => {
    const dir = new CheckpointDirectory(join(root, 'checkpoints'));
    await saveSteps(dir, [1, 2]);
    const file = join(dir.stepDir(2), 'manifest.json');
    await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), version: 99 }));
    const error = await dir.loadLatest().catch((e: unknown) => e);
    expect((error as SteerableError).code).toBe('unsupported-checkpoint');
    expect((error as SteerableError).field).toBe('version');
  });

  it('reads version 1 checkpoints (no checksums) with an "unverified" warning, and still checks their structure', async () => {
    const step = join(root, 'v1');
    await mkdir(step);
    const weights = serializeSafetensors(new Map([['layer.weight', float32Entry([2], new Float32Array([1, 2]))]]));
    await writeFile(join(step, 'weights.safetensors'), weights);
    await writeFile(
      join(step, 'manifest.json'),
      JSON.stringify({
        format: 'steerable-checkpoint',
        version: 1,
        created_at: 'x',
        step: 5,
        model: { kind: 'toy', config: {} },
        optimizer: null,
        rng: {},
        extra: {},
      }),
    );
    const warnings: CheckpointWarning[] = [];
    const contents = await loadCheckpoint(step, { onWarning: (w) => warnings.push(w) });
    expect(await contents.weights.get('layer.weight')!.data()).toEqual(new Float32Array([1, 2]));
    expect(contents.warnings.map((w) => w.code)).toEqual(['unverified-checkpoint']);
    expect(warnings).toEqual(contents.warnings);
    disposeCheckpoint(contents);
    await writeFile(join(step, 'weights.safetensors'), weights.subarray(0, weights.length - 1));
    const error = await verifyCheckpoint(step).catch((e: unknown) => e);
    expect((error as SteerableError).code).toBe('damaged-checkpoint');
    expect((error as SteerableError).file).toBe(join(step, 'weights.safetensors'));
  });

  it('best/ keeps the best it replaced and falls back to it when damaged', async () => {
    const dir = new CheckpointDirectory(join(root, 'checkpoints'));
    for (const step of [5, 9]) {
      const value = input(step);
      await dir.saveBest(value);
      disposeInput(value);
    }
    expect(await dir.best()).toBe(dir.bestDir);
    const good = await dir.loadBest();
    expect(good!.contents.manifest.step).toBe(9);
    disposeCheckpoint(good!.contents);
    await flipByte(join(dir.bestDir, 'weights.safetensors'), 2);
    const warnings: CheckpointWarning[] = [];
    const fallback = await dir.loadBest({ onWarning: (w) => warnings.push(w) });
    expect(fallback!.dir).toBe(dir.previousBestDir);
    expect(fallback!.contents.manifest.step).toBe(5);
    expect(warnings.map((w) => w.file)).toEqual([join(dir.bestDir, 'weights.safetensors')]);
    disposeCheckpoint(fallback!.contents);
    expect(await dir.best()).toBe(dir.previousBestDir);
    // A replacement interrupted between its two renames leaves only best-previous/: it is used, with a warning.
    await rm(dir.bestDir, { recursive: true });
    const interrupted: CheckpointWarning[] = [];
    expect(await dir.best({ onWarning: (w) => interrupted.push(w) })).toBe(dir.previousBestDir);
    expect(interrupted[0]!.file).toBe(join(dir.bestDir, 'manifest.json'));
  });

  it('a stale .tmp directory from a killed save is ignored by readers and removed (reported) by the next save', async () => {
    const warnings: CheckpointWarning[] = [];
    const dir = new CheckpointDirectory(join(root, 'checkpoints'), { onWarning: (w) => warnings.push(w) });
    await saveSteps(dir, [1]);
    const stale = join(dir.root, '.step-2.0123456789ab.tmp');
    await mkdir(stale);
    await writeFile(join(stale, 'weights.safetensors'), 'half a file');
    expect(await loadedStep(dir, [])).toBe(1);
    expect(await dir.steps()).toEqual([1]);
    await saveSteps(dir, [2]);
    expect(warnings.map((w) => [w.code, w.file])).toEqual([['stale-temporary', stale]]);
    expect((await readdir(dir.root)).sort()).toEqual(['latest.json', 'step-1', 'step-2']);
  });
});
