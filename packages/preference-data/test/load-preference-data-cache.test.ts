import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import { loadPreferenceData, type PreferenceDataConfigInput, type PreferenceDataEvent, preferenceDataConfigSchema, UseLiteEncoder } from '../src/index.js';

const SUMMARIES = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/multi-criteria/summaries.jsonl');
const config = (input: Omit<Extract<PreferenceDataConfigInput, { source: 'file' }>, 'source' | 'path'>) =>
  preferenceDataConfigSchema.parse({ source: 'file', path: SUMMARIES, ...input });
// The DialSummEval presets' selection, on the look-alike fixture.
const useLite = config({ featurizer: { kind: 'use-lite' }, where: { conflict: true }, splitBy: 'prompt', splitFractions: [0.5, 0.25, 0.25], seed: 1 });

async function load(cacheDir: string | undefined, data = useLite) {
  const events: PreferenceDataEvent[] = [];
  const set = await loadPreferenceData(data, { ...(cacheDir ? { cacheDir } : {}), onEvent: (event) => events.push(event) });
  const embeddings = events.filter((event) => event.type === 'embeddings');
  expect(embeddings).toHaveLength(1);
  return { set, events, embeddings: embeddings[0] as Extract<PreferenceDataEvent, { type: 'embeddings' }> };
}

beforeAll(async () => {
  // wasm: USE-lite's graph is ~50x faster there than on the stock cpu backend.
  await initBackend({ backend: 'wasm' });
});
afterEach(() => vi.restoreAllMocks());

describe('loadPreferenceData with an embedding cache', () => {
  it('embeds a file once: the second load reads the entry, loads no model, and gives the same set', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'steerable-load-cache-'));
    const load1 = vi.spyOn(UseLiteEncoder, 'load');
    const first = await load(cacheDir);
    expect(first.embeddings).toMatchObject({ status: 'computed', featurizer: 'use-lite' });
    expect(load1).toHaveBeenCalledTimes(1);
    expect(readdirSync(cacheDir)).toEqual([first.embeddings.directory!.split('/').at(-1)]);

    const embed = vi.spyOn(UseLiteEncoder.prototype, 'embedTokens');
    const second = await load(cacheDir);
    expect(second.embeddings).toMatchObject({ status: 'cached', directory: first.embeddings.directory });
    expect(load1).toHaveBeenCalledTimes(1);
    expect(embed).not.toHaveBeenCalled();
    expect(second.set).toEqual(first.set);
    // The selection and prompt split apply after the cache: conflicting pairs only, every prompt in one split.
    const splitsOfPrompt = new Map<number, Set<string>>();
    for (const label of second.set.labels) splitsOfPrompt.set(label.pair, (splitsOfPrompt.get(label.pair) ?? new Set()).add(label.split));
    expect([...splitsOfPrompt.values()].every((splits) => splits.size === 1)).toBe(true);
    expect(second.set.featurizer).toMatchObject({ kind: 'use-lite', maxTokens: 128 });
  });

  it('matches the uncached load to encoder rounding (the cache embeds all of the file in other batches)', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'steerable-load-cache-'));
    const cached = await load(cacheDir);
    const uncached = await load(undefined);
    expect(uncached.embeddings.status).toBe('uncached');
    expect(uncached.set.labels).toEqual(cached.set.labels);
    expect(uncached.set.featurizer).toEqual(cached.set.featurizer);
    const worst = cached.set.options.reduce((m, x, i) => Math.max(m, Math.abs(x - uncached.set.options[i]!)), 0);
    expect(worst).toBeLessThan(1e-4);
  });

  it('recomputes a damaged entry with a warning, never trusting it', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'steerable-load-cache-'));
    const first = await load(cacheDir);
    writeFileSync(join(first.embeddings.directory!, 'embeddings.npy'), 'not an npy file');
    const again = await load(cacheDir);
    expect(again.events.some((event) => event.type === 'cache-warning' && /checksum/.test(event.message))).toBe(true);
    expect(again.embeddings.status).toBe('recomputed');
    expect(again.set).toEqual(first.set);
    expect((await load(cacheDir)).embeddings.status).toBe('cached');
  });

  it('does not cache the built-in featurizers, and says so', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'steerable-load-cache-'));
    const { embeddings } = await load(cacheDir, config({ featurizer: { kind: 'hashed-ngrams', dim: 256 } }));
    expect(embeddings.status).toBe('uncached');
    expect(embeddings.note).toMatch(/not cached/);
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});
