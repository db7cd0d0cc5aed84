import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UseLiteEncoder } from '@steerable/preference-data';
import { bufferIo } from '@steerable/cli-kit';
import { runTrainer } from '../src/index.js';

// The multi-criteria look-alike (DialSummEval's shape, invented text): small enough that USE-lite embeds it in a second.
const SUMMARIES = fileURLToPath(new URL('../../../packages/preference-data/test/fixtures/multi-criteria/summaries.jsonl', import.meta.url));

const tinyUseLiteConfig = {
  name: 'tiny-use-lite',
  data: { source: 'file', path: SUMMARIES, featurizer: { kind: 'use-lite' } },
  model: { kind: 'np-btl', hiddenDim: 8, numHeads: 2 },
  training: { epochs: 1, batchSize: 4, numTargets: 2, contextSize: [0, 1], tasksPerEpoch: 8 },
};

let dir: string;
let configPath: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steerable-reward-cache-'));
  configPath = join(dir, 'tiny-use-lite.json');
  await writeFile(configPath, JSON.stringify(tinyUseLiteConfig));
});
afterEach(() => vi.restoreAllMocks());

describe('steerable-train reward: the embedding cache', () => {
  it('embeds once: a second run of the same config reads the cache, says so, and never runs the encoder', async () => {
    const cacheDir = join(dir, 'cache');
    const train = async (out: string) => {
      const io = bufferIo();
      const code = await runTrainer(['reward', '--config', configPath, '--out', join(dir, out), '--backend', 'wasm', '--cache-dir', cacheDir], io);
      expect(code, io.errors()).toBe(0);
      return io.errors();
    };
    const load = vi.spyOn(UseLiteEncoder, 'load');
    const embed = vi.spyOn(UseLiteEncoder.prototype, 'embedTokens');
    const first = await train('first');
    expect(first).toMatch(/embeddings \(use-lite\) of \d+ pairs computed in [\d.]+ s and cached: /);
    expect(load).toHaveBeenCalledTimes(1);
    expect(embed.mock.calls.length).toBeGreaterThan(0);
    expect(await readdir(cacheDir)).toHaveLength(1);

    load.mockClear();
    embed.mockClear();
    const second = await train('second');
    expect(second).toMatch(/embeddings \(use-lite\) of \d+ pairs read from the cache in [\d.]+ s: /);
    expect(load).not.toHaveBeenCalled();
    expect(embed).not.toHaveBeenCalled();
    // The checkpoint records the featurizer either way, so the run can score text later.
    const manifest = async (out: string) => JSON.parse(await readFile(join(dir, out, 'checkpoints', 'step-2', 'manifest.json'), 'utf8'));
    expect((await manifest('second')).extra.featurizer).toEqual((await manifest('first')).extra.featurizer);
    expect((await manifest('second')).extra.featurizer.config).toEqual({ kind: 'use-lite', maxTokens: 128, batchSize: 32 });
  });

  it('--no-cache embeds again and writes nothing; --no-cache with --cache-dir is refused', async () => {
    const cacheDir = join(dir, 'unused-cache');
    // The default cache (vitest-setup points STEERABLE_CACHE_DIR at a temporary folder).
    const defaultCache = process.env.STEERABLE_CACHE_DIR!;
    const before = await readdir(defaultCache);
    const io = bufferIo();
    expect(await runTrainer(['reward', '--config', configPath, '--out', join(dir, 'no-cache'), '--backend', 'wasm', '--no-cache'], io), io.errors()).toBe(0);
    expect(io.errors()).toMatch(/embeddings \(use-lite\) of \d+ pairs computed in [\d.]+ s, not cached/);
    expect(await readdir(defaultCache)).toEqual(before);
    const both = bufferIo();
    expect(await runTrainer(['reward', '--config', configPath, '--out', join(dir, 'both'), '--no-cache', '--cache-dir', cacheDir], both)).toBe(2);
    expect(both.errors()).toMatch(/--cache-dir and --no-cache/);
  });

  it('a DialSummEval preset without --data exits 2, saying the data are not shipped and what to pass', async () => {
    const io = bufferIo();
    expect(await runTrainer(['reward', '--preset', 'dialsummeval-np-btl', '--out', join(dir, 'no-data')], io)).toBe(2);
    expect(io.errors()).toMatch(/preset 'dialsummeval-np-btl' trains on a preference file you supply: pass --data FILE/);
    expect(io.errors()).toMatch(/DialSummEval is not shipped/);
    await expect(readdir(join(dir, 'no-data'))).rejects.toThrow();
  });
});
