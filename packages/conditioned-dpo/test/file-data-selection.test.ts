import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SteerableError } from '@steerable/core';
import { loadPolicyPairs, parsePolicyRunConfig, policyTextPairs, resolvePolicyPreset, withDataFile } from '../src/index.js';

// A multi-criteria summary file in DialSummEval's shape (none of its data): 20 dialogues, three
// summaries each, a fluent one, a copy of the dialogue and a short one, rated by two criteria
// that disagree on fluent vs copied and agree on the short one.
const RATINGS: Record<string, Record<string, number>> = {
  fluent: { fluency: 5, relevance: 2 },
  copied: { fluency: 1, relevance: 5 },
  short: { fluency: 3, relevance: 1 },
};

function summaryLines(): string[] {
  const lines: string[] = [];
  for (let d = 0; d < 20; d++) {
    const prompt = `Summarize the dialogue.\n\n| Ann: shall we meet at ${d}? | Ben: yes, at the cafe number ${d}.`;
    const texts: Record<string, string> = { fluent: `Ann and Ben meet at cafe ${d}.`, copied: `Ann: shall we meet at ${d}? Ben: yes`, short: `cafe ${d}` };
    const systems = Object.keys(texts);
    for (let i = 0; i < systems.length; i++) {
      for (let j = i + 1; j < systems.length; j++) {
        const [a, b] = [systems[i]!, systems[j]!];
        const prefers = (criterion: string) => Math.sign(RATINGS[a]![criterion]! - RATINGS[b]![criterion]!);
        const conflict = prefers('fluency') * prefers('relevance') < 0;
        for (const criterion of ['fluency', 'relevance']) {
          const [chosen, rejected] = prefers(criterion) > 0 ? [a, b] : [b, a];
          const record = { prompt, chosen: texts[chosen], rejected: texts[rejected], user_id: criterion, dialogue_id: `d${d}`, conflict };
          lines.push(JSON.stringify({ ...record, systems: [chosen, rejected] }));
        }
      }
    }
  }
  return lines;
}

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-data-selection-'));
  file = join(dir, 'summaries.jsonl');
  await writeFile(file, `${summaryLines().join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a policy run config that selects and splits the pairs of a file', () => {
  it('keeps only the pairs `where` matches and puts every pair of one prompt into one split', async () => {
    const config = resolvePolicyPreset('dialsummeval-np-dpo', { data: { path: file } });
    expect(config.data).toMatchObject({ source: 'file', path: file, where: { conflict: true }, splitBy: 'prompt', splitFractions: [0.6, 0.15, 0.25] });
    const pairs = await loadPolicyPairs(config.data);
    // Per dialogue, fluent-copied and copied-short conflict (two criteria each); fluent-short does not.
    expect(pairs).toHaveLength(20 * 2 * 2);
    expect(pairs.every((pair) => pair.extra!['conflict'] === true)).toBe(true);
    expect(pairs.some((pair) => [pair.chosen, pair.rejected].every((text) => text.startsWith('Ann and Ben') || /^cafe \d+$/.test(text)))).toBe(false);

    const text = policyTextPairs(pairs, config.data);
    // Both criteria's labels of one pair of summaries share the pair; the split is the prompt's.
    expect(text.pairs).toHaveLength(20 * 2);
    const splitOfPrompt = new Map<string, Set<string>>();
    for (const label of text.labels) {
      const prompt = text.pairs[label.pair]!.prompt;
      splitOfPrompt.set(prompt, (splitOfPrompt.get(prompt) ?? new Set()).add(label.split));
    }
    expect(splitOfPrompt.size).toBe(20);
    expect([...splitOfPrompt.values()].every((splits) => splits.size === 1)).toBe(true);
    const prompts = (split: string) => [...splitOfPrompt.values()].filter((splits) => splits.has(split)).length;
    expect([prompts('train'), prompts('validation'), prompts('test')]).toEqual([12, 3, 5]);
  });

  it('does not re-split a prompt split by pair, and the split follows data.seed', async () => {
    const config = resolvePolicyPreset('dialsummeval-dpo', { data: { path: file } });
    const pairs0 = await loadPolicyPairs(config.data);
    const splits = (seed: number) => policyTextPairs(pairs0, { ...config.data, seed }).labels.map((label) => label.split);
    const reseeded = await loadPolicyPairs({ ...config.data, seed: 1 });
    expect(reseeded.map((pair) => pair.split)).not.toEqual(pairs0.map((pair) => pair.split));
    // The labels carry the file pairs' own splits: policyTextPairs adds no split by pair on top.
    expect(splits(0)).toEqual(splits(5));
  });

  it('--data on a preset that reads a file keeps its selection; on a generated benchmark it replaces the source', () => {
    const fileConfig = { name: 'x', data: { source: 'file', path: '', where: { conflict: true }, splitBy: 'prompt', format: 'csv' } };
    const merged = withDataFile(fileConfig, { path: '/data/a.jsonl' });
    expect(merged.data).toEqual({ source: 'file', path: '/data/a.jsonl', where: { conflict: true }, splitBy: 'prompt' });
    const replaced = withDataFile({ name: 'x', data: { source: 'steerable-text', labelNoise: 0.1 } }, { path: '/data/a.jsonl', format: 'trl-jsonl' });
    expect(replaced.data).toEqual({ source: 'file', path: '/data/a.jsonl', format: 'trl-jsonl' });
  });

  it('a DialSummEval preset without a file is refused, naming data.path and --data', () => {
    let error: unknown;
    try {
      resolvePolicyPreset('dialsummeval-sft');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SteerableError);
    expect((error as SteerableError).field).toBe('data.path');
    expect((error as SteerableError).message).toContain('--data FILE');
  });

  it('refuses a where that matches no pair, naming data.where', async () => {
    const input = { name: 'x', kind: 'sft', data: { source: 'file', path: '', where: { conflict: 'yes' } } };
    const config = parsePolicyRunConfig(withDataFile(input, { path: file }));
    await expect(loadPolicyPairs(config.data)).rejects.toMatchObject({ field: 'data.where' });
  });
});
