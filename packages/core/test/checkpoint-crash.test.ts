import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CheckpointDirectory, disposeCheckpoint, type SaveCheckpointInput } from '../src/index.js';

/**
 * Fault injection into the filesystem calls the checkpoint writer makes: a write that stops
 * half way with EIO (as a full disk or a dying device would), or a rename that fails.
 */
const faults = vi.hoisted(() => ({ halfWrite: null as RegExp | null, failRename: null as RegExp | null }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const eio = (what: string) => Object.assign(new Error(`EIO: i/o error, ${what}`), { code: 'EIO' });
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>) => {
      const handle = await actual.open(...args);
      if (!faults.halfWrite?.test(String(args[0])) || args[1] !== 'w') return handle;
      return new Proxy(handle, {
        get(target, property) {
          if (property === 'writeFile') {
            return async (data: string | Uint8Array) => {
              const bytes = typeof data === 'string' ? Buffer.from(data) : data;
              await target.write(bytes, 0, Math.floor(bytes.length / 2));
              throw eio('write');
            };
          }
          const value = Reflect.get(target, property, target) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
    rename: async (from: string, to: string) => {
      if (faults.failRename?.test(String(to))) throw eio('rename');
      return actual.rename(from, to);
    },
  };
});

/** A pattern that matches only the first time. */
function once(pattern: RegExp): RegExp {
  let fired = false;
  return { test: (text: string) => !fired && pattern.test(text) && (fired = true) } as unknown as RegExp;
}

let root: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'steerable-crash-'));
  faults.halfWrite = null;
  faults.failRename = null;
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function save(dir: CheckpointDirectory, step: number, best = false): Promise<void> {
  const value: SaveCheckpointInput = {
    step,
    model: { kind: 'toy', config: {}, state: new Map([['w', tf.fill([4, 4], step)]]) },
    optimizer: { kind: 'adam', config: {}, step, state: new Map([['w.exp_avg', tf.fill([4, 4], step)]]) },
  };
  try {
    await (best ? dir.saveBest(value) : dir.save(value));
  } finally {
    for (const t of [...value.model.state.values(), ...value.optimizer!.state.values()]) t.dispose();
  }
}

async function expectLatestIs(dir: CheckpointDirectory, step: number): Promise<void> {
  const warnings: unknown[] = [];
  const loaded = await dir.loadLatest({ onWarning: (w) => warnings.push(w) });
  expect(loaded!.dir).toBe(dir.stepDir(step));
  expect(await loaded!.contents.weights.get('w')!.data()).toEqual(new Float32Array(16).fill(step));
  disposeCheckpoint(loaded!.contents);
  expect(warnings).toEqual([]);
}

describe('a crash between writes leaves the previous checkpoint intact and loadable', () => {
  for (const [what, fault] of [
    ['the weights write fails half way', () => (faults.halfWrite = /weights\.safetensors/)],
    ['the optimizer write fails half way', () => (faults.halfWrite = /optimizer\.safetensors/)],
    ['the manifest write fails half way', () => (faults.halfWrite = /manifest\.json/)],
    ['renaming the finished directory into place fails', () => (faults.failRename = /step-3$/)],
  ] as const) {
    it(what, async () => {
      const dir = new CheckpointDirectory(join(root, 'checkpoints'));
      await save(dir, 1);
      await save(dir, 2);
      fault();
      await expect(save(dir, 3)).rejects.toThrow(/EIO/);
      faults.halfWrite = faults.failRename = null;
      expect(await dir.steps()).toEqual([1, 2]);
      await expectLatestIs(dir, 2);
      // Nothing half-written is left under any name (the temporary was removed on the way out).
      expect((await readdir(dir.root)).sort()).toEqual(['latest.json', 'step-1', 'step-2']);
      await save(dir, 3);
      await expectLatestIs(dir, 3);
    });
  }

  it('re-saving a step whose rename fails keeps the old one under its name', async () => {
    const dir = new CheckpointDirectory(join(root, 'checkpoints'));
    await save(dir, 2);
    // Moving the old step-2 aside succeeds; moving the new one into place fails, and the old one is moved back.
    faults.failRename = once(/\/step-2$/);
    await expect(save(dir, 2)).rejects.toThrow(/EIO/);
    faults.failRename = null;
    await expectLatestIs(dir, 2);
  });

  it('best/: a failed replacement leaves the old best loadable', async () => {
    const dir = new CheckpointDirectory(join(root, 'checkpoints'));
    await save(dir, 4, true);
    faults.halfWrite = /weights\.safetensors/;
    await expect(save(dir, 8, true)).rejects.toThrow(/EIO/);
    faults.halfWrite = null;
    faults.failRename = once(/\/best$/);
    await expect(save(dir, 9, true)).rejects.toThrow(/EIO/);
    faults.failRename = null;
    const best = await dir.loadBest();
    expect(best!.warnings).toEqual([]);
    expect(best!.dir).toBe(dir.bestDir);
    expect(best!.contents.manifest.step).toBe(4);
    disposeCheckpoint(best!.contents);
  });
});
