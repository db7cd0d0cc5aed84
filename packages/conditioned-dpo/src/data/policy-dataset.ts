import type { EmbeddedPairSet, SplitName, TextPairSet } from '@steerable/preference-data';
import type { TextTokenizer } from '../io/tokenizer.js';
import type { TokenizedExample } from '../logprobs/sequence-batch.js';
import { type PromptTemplate, tokenizeExample } from './prompt-template.js';

/** Both options of one text pair as token ids (prompt + option a, prompt + option b). */
export interface TokenizedPair {
  a: TokenizedExample;
  b: TokenizedExample;
}

/**
 * A policy run's preference data: the text pairs with their per-user labels and splits, every
 * option tokenized under one template. Labels index `pairs` exactly as in the TextPairSet, so an
 * EmbeddedPairSet built from the same text (for context encoders) shares the label indices.
 */
export interface PolicyDataset {
  text: TextPairSet;
  pairs: TokenizedPair[];
  template: PromptTemplate;
}

export function tokenizePolicyData(text: TextPairSet, tokenizer: TextTokenizer, template: PromptTemplate): PolicyDataset {
  return {
    text,
    template,
    pairs: text.pairs.map((pair) => ({
      a: tokenizeExample(tokenizer, template, pair.prompt, pair.a),
      b: tokenizeExample(tokenizer, template, pair.prompt, pair.b),
    })),
  };
}

/** The (chosen, rejected) token ids of label `index`. */
export function labelExamples(dataset: PolicyDataset, index: number): { chosen: TokenizedExample; rejected: TokenizedExample; pair: number; preferred: 0 | 1 } {
  const label = dataset.text.labels[index]!;
  const pair = dataset.pairs[label.pair]!;
  return label.preferred === 0
    ? { chosen: pair.a, rejected: pair.b, pair: label.pair, preferred: 0 }
    : { chosen: pair.b, rejected: pair.a, pair: label.pair, preferred: 1 };
}

/** Pairs that have a label in one of `splits`, in pair order. */
export function pairsInSplits(text: TextPairSet, splits: readonly SplitName[]): number[] {
  const wanted = new Set(splits);
  const used = new Set<number>();
  for (const label of text.labels) if (wanted.has(label.split)) used.add(label.pair);
  return [...used].sort((a, b) => a - b);
}

/** SFT examples: every distinct (prompt, response) among the pairs of a split, in pair order. */
export function sftExamples(dataset: PolicyDataset, split: SplitName = 'train'): TokenizedExample[] {
  const seen = new Set<string>();
  const out: TokenizedExample[] = [];
  for (const p of pairsInSplits(dataset.text, [split])) {
    for (const [text, example] of [
      [dataset.text.pairs[p]!.a, dataset.pairs[p]!.a],
      [dataset.text.pairs[p]!.b, dataset.pairs[p]!.b],
    ] as const) {
      const key = `${dataset.text.pairs[p]!.prompt}\u0000${text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(example);
    }
  }
  return out;
}

/** A label-only pair set (no embeddings): what a TaskSampler needs to draw tasks for plain DPO. */
export function labelOnlySet(text: TextPairSet): EmbeddedPairSet {
  return { dim: 0, numPairs: text.pairs.length, options: new Float32Array(0), labels: text.labels };
}
