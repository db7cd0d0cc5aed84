import { SteerableError } from '@steerable/core';
import type { Featurizer, FeaturizerConfig } from '@steerable/preference-data';

/**
 * What a reward checkpoint records about its inputs, under `extra.featurizer`: the config that
 * rebuilds the featurizer (null for embeddings made elsewhere, e.g. the synthetic scalars) and its
 * description (kind, encoder id, recipe, dimension), which a featurizer must match to score with it.
 */
export interface FeaturizerRecord {
  config: FeaturizerConfig | null;
  description: { kind: string; [key: string]: unknown } | null;
}

/** The `checkpointExtra` a training run passes so its checkpoints know their featurizer. */
export function featurizerCheckpointExtra(record: FeaturizerRecord): { featurizer: FeaturizerRecord } {
  return { featurizer: record };
}

export function readFeaturizerRecord(extra: Record<string, unknown>): FeaturizerRecord {
  const record = extra.featurizer as Partial<FeaturizerRecord> | undefined;
  return { config: record?.config ?? null, description: record?.description ?? null };
}

/** Canonical JSON (sorted keys) so descriptions compare by content. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** The keys whose values differ between two descriptions, in sorted order. */
function differingKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().filter((key) => canonical(a[key]) !== canonical(b[key]));
}

/**
 * Refuses a featurizer whose description differs from the one the model was trained on (another
 * kind, another encoder or version, recipe, truncation or dimension), naming what differs.
 */
export function assertSameFeaturizer(featurizer: Featurizer, expected: FeaturizerRecord['description'], source: string): void {
  if (!expected || canonical(featurizer.description) === canonical(expected)) return;
  const differs = differingKeys(expected, featurizer.description).join(', ');
  const problem =
    `this model was trained on embeddings from ${canonical(expected)}; ` +
    `the featurizer given is ${canonical(featurizer.description)} (they differ in ${differs})`;
  throw new SteerableError('featurizer-mismatch', problem, {
    file: source,
    field: 'featurizer',
    hint: 'score with the featurizer the run was trained with (loadRewardRun rebuilds it), or retrain on the new embeddings',
  });
}
