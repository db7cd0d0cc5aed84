import type { EmbeddedPairSet, PreferenceLabel } from '../types/embedded-pair-set.js';
import type { PreferencePair, SplitName } from '../types/preference-pair.js';
import type { TextPair, TextPairSet } from '../types/text-pair-set.js';
import type { FeaturizeOptions, Featurizer, FeaturizerInput } from './featurizer.js';

export interface GroupPairsOptions {
  /** User of pairs that name none (default 'default'). */
  defaultUser?: string;
  /** Split of pairs that name none (default 'train'). */
  defaultSplit?: SplitName;
}

/**
 * Merges preference pairs over the same prompt and the same two responses (in either order)
 * into one text pair with one label per judgement, so pairs judged by several users share
 * their options. The first occurrence fixes which response is option a.
 */
export function groupPairs(pairs: readonly PreferencePair[], options: GroupPairsOptions = {}): TextPairSet {
  const byKey = new Map<string, number>();
  const textPairs: TextPair[] = [];
  const labels: PreferenceLabel[] = [];
  for (const pair of pairs) {
    const [first, second] = pair.chosen <= pair.rejected ? [pair.chosen, pair.rejected] : [pair.rejected, pair.chosen];
    const key = `${pair.prompt}\u0000${first}\u0000${second}`;
    let index = byKey.get(key);
    if (index === undefined) {
      index = textPairs.length;
      byKey.set(key, index);
      textPairs.push({ id: pair.id, prompt: pair.prompt, a: pair.chosen, b: pair.rejected });
    }
    labels.push({
      pair: index,
      user: pair.user ?? options.defaultUser ?? 'default',
      preferred: textPairs[index]!.a === pair.chosen ? 0 : 1,
      split: pair.split ?? options.defaultSplit ?? 'train',
    });
  }
  return { pairs: textPairs, labels };
}

/** Embeds every distinct (prompt, response) once and lays the options out as [numPairs, 2, dim]. */
export async function embedTextPairs(set: TextPairSet, featurizer: Featurizer, featurizeOptions: FeaturizeOptions = {}): Promise<EmbeddedPairSet> {
  const textIndex = new Map<string, number>();
  const inputs: FeaturizerInput[] = [];
  const optionRows = new Int32Array(set.pairs.length * 2);
  set.pairs.forEach((pair, p) => {
    [pair.a, pair.b].forEach((response, side) => {
      const key = `${pair.prompt}\u0000${response}`;
      let row = textIndex.get(key);
      if (row === undefined) {
        row = inputs.length;
        textIndex.set(key, row);
        inputs.push({ prompt: pair.prompt, response });
      }
      optionRows[2 * p + side] = row;
    });
  });
  const features = await featurizer.featurizeBatch(inputs, featurizeOptions);
  const dim = featurizer.dim;
  const options = new Float32Array(set.pairs.length * 2 * dim);
  for (let i = 0; i < optionRows.length; i++) options.set(features.subarray(optionRows[i]! * dim, (optionRows[i]! + 1) * dim), i * dim);
  return {
    dim,
    numPairs: set.pairs.length,
    options,
    labels: set.labels,
    pairIds: set.pairs.map((p) => p.id),
    embedding: { ...featurizer.description },
    featurizer: { ...featurizer.description },
  };
}

export type EmbedPairsOptions = GroupPairsOptions & FeaturizeOptions;

/** groupPairs then embedTextPairs. */
export async function embedPairs(pairs: readonly PreferencePair[], featurizer: Featurizer, options: EmbedPairsOptions = {}): Promise<EmbeddedPairSet> {
  const { onProgress, ...groupOptions } = options;
  return embedTextPairs(groupPairs(pairs, groupOptions), featurizer, onProgress ? { onProgress } : {});
}
