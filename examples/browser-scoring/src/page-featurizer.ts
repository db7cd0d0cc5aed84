import type { Featurizer } from '@steerable/preference-data';

/**
 * The featurizer the page scores with. null: the one the run's checkpoint records, rebuilt by
 * fetchRewardRun (the built-in hashed n-grams need no files).
 */
export async function loadPageFeaturizer(_encoderFiles: URL): Promise<Featurizer | null> {
  return null;
}
