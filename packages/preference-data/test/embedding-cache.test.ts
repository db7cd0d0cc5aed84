import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CACHE_MANIFEST_FILE,
  embedFilesCached,
  type EmbeddingCacheEvent,
  embedPairs,
  type Featurizer,
  type FeaturizerInput,
  filterPairs,
  HashedNgramFeaturizer,
  NPY_FILE,
  splitByPrompt,
} from '../src/index.js';

const SUMMARIES = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/multi-criteria/summaries.jsonl');

/** A real featurizer that counts the items it is asked to featurize. */
function countingFeaturizer(options: { dim?: number } = {}): Featurizer & { calls: number; items: number } {
  const inner = new HashedNgramFeaturizer({ dim: options.dim ?? 64, cueFeatures: false });
  const counter = {
    dim: inner.dim,
    description: inner.description,
    calls: 0,
    items: 0,
    async featurizeBatch(items: readonly FeaturizerInput[]) {
      counter.calls += 1;
      counter.items += items.length;
      return inner.featurizeBatch(items);
    },
  };
  return counter;
}

const newCacheDir = () => mkdtempSync(join(tmpdir(), 'steerable-embedding-cache-'));

describe('embedFilesCached', () => {
  it('embeds once; a second run embeds nothing and returns identical data', async () => {
    const cacheDir = newCacheDir();
    const first = countingFeaturizer();
    const events: EmbeddingCacheEvent[] = [];
    const a = await embedFilesCached({ files: [SUMMARIES], featurizer: first, cacheDir, onEvent: (e) => events.push(e) });
    expect(a.status).toBe('computed');
    expect(first.calls).toBe(1);
    // 4 dialogues x 3 summaries: 12 pairs of summaries, and each summary embedded once (12 items, not 24).
    expect(a.set.numPairs).toBe(12);
    expect(first.items).toBe(12);
    expect(events.map((e) => e.type)).toEqual(['miss', 'written']);

    const second = countingFeaturizer();
    const b = await embedFilesCached({ files: [SUMMARIES], featurizer: second, cacheDir, onEvent: (e) => events.push(e) });
    expect(b.status).toBe('hit');
    expect(second.calls).toBe(0);
    expect(b.directory).toBe(a.directory);
    expect(b.set.options).toEqual(a.set.options);
    expect(b.set.labels).toEqual(a.set.labels);
    expect(b.set.embedding).toEqual(a.set.embedding);
    expect(b.pairs).toEqual(a.pairs);
    expect(events.at(-1)!.type).toBe('hit');

    // A filtered, prompt-split subset embedded through the cache equals embedding it directly, and computes nothing.
    const subset = splitByPrompt(filterPairs(b.pairs, { conflict: true }), [0.5, 0.25, 0.25], 1);
    const viaCache = await embedPairs(subset, b.featurizer);
    expect(b.featurizer.misses).toBe(0);
    expect(second.calls).toBe(0);
    const direct = await embedPairs(subset, countingFeaturizer());
    expect(viaCache.options).toEqual(direct.options);
    expect(viaCache.labels).toEqual(direct.labels);
    expect(readdirSync(cacheDir)).toEqual([a.directory.split('/').at(-1)]);
  });

  it('keys on content, encoder description and format: a copy elsewhere hits, another featurizer misses', async () => {
    const cacheDir = newCacheDir();
    await embedFilesCached({ files: [SUMMARIES], featurizer: countingFeaturizer(), cacheDir });
    const copy = join(newCacheDir(), 'renamed.jsonl');
    copyFileSync(SUMMARIES, copy);
    const again = countingFeaturizer();
    expect((await embedFilesCached({ files: [copy], featurizer: again, cacheDir })).status).toBe('hit');
    expect(again.calls).toBe(0);
    const other = countingFeaturizer({ dim: 32 });
    const miss = await embedFilesCached({ files: [copy], featurizer: other, cacheDir });
    expect(miss.status).toBe('computed');
    expect(other.calls).toBe(1);
    const edited = join(newCacheDir(), 'edited.jsonl');
    writeFileSync(edited, readFileSync(SUMMARIES, 'utf8').replace('noon at the cafe', 'one at the cafe'));
    expect((await embedFilesCached({ files: [edited], featurizer: countingFeaturizer(), cacheDir })).status).toBe('computed');
  });

  it.each([
    [
      'a flipped byte in the embeddings',
      (dir: string) => {
        const bytes = readFileSync(join(dir, NPY_FILE));
        bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x40;
        writeFileSync(join(dir, NPY_FILE), bytes);
      },
    ],
    ['truncated embeddings', (dir: string) => writeFileSync(join(dir, NPY_FILE), readFileSync(join(dir, NPY_FILE)).subarray(0, 100))],
    ['a garbled manifest', (dir: string) => writeFileSync(join(dir, CACHE_MANIFEST_FILE), '{"version": 1, "key": ')],
    ['a missing index', (dir: string) => writeFileSync(join(dir, 'index.jsonl'), '')],
  ])('recomputes an entry with %s, with a warning, and never returns its data', async (_, corrupt) => {
    const cacheDir = newCacheDir();
    const clean = await embedFilesCached({ files: [SUMMARIES], featurizer: countingFeaturizer(), cacheDir });
    corrupt(clean.directory);
    const featurizer = countingFeaturizer();
    const events: EmbeddingCacheEvent[] = [];
    const repaired = await embedFilesCached({ files: [SUMMARIES], featurizer, cacheDir, onEvent: (e) => events.push(e) });
    expect(repaired.status).toBe('recomputed');
    expect(featurizer.calls).toBe(1);
    expect(events[0]).toMatchObject({ type: 'invalid', level: 'warning' });
    expect(repaired.set.options).toEqual(clean.set.options);
    // The rewritten entry is whole again, and no staging directory is left behind.
    const after = countingFeaturizer();
    expect((await embedFilesCached({ files: [SUMMARIES], featurizer: after, cacheDir })).status).toBe('hit');
    expect(after.calls).toBe(0);
    expect(readdirSync(cacheDir).filter((name) => name.includes('.tmp-') || name.includes('.stale-'))).toEqual([]);
    expect(existsSync(join(repaired.directory, CACHE_MANIFEST_FILE))).toBe(true);
  });
});
