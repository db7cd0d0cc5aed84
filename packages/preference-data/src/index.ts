export type { PreferencePair, ChatMessage, SplitName } from './types/preference-pair.js';
export type { EmbeddedPairSet, PreferenceLabel } from './types/embedded-pair-set.js';
export type { Task, TaskBatch } from './tasks/task.js';
export { buildTaskBatch } from './tasks/build-task-batch.js';
export { TaskSampler, type TaskSamplerOptions, type TaskSamplerState } from './tasks/task-sampler.js';
export { evaluationTasks, evaluationTaskSet, type EvaluationTaskOptions, type EvaluationTaskSet } from './tasks/evaluation-tasks.js';
export { indexLabelsByUser, type UserLabelIndex } from './tasks/user-label-index.js';
export { SPLIT_NAMES, assignSplits, validateSplitFractions, type SplitFractions } from './splits/split-fractions.js';
export { splitByPair } from './splits/split-by-pair.js';
export { splitUsers } from './splits/split-users.js';
export { splitByPrompt, splitByGroup } from './splits/split-by-prompt.js';
export { filterPairs, pairField, type FieldValue, type PairFilter } from './select/filter-pairs.js';
export { pairSelectionShape, selectPairs, type PairSelection, type RemainingSplit } from './select/pair-selection-config.js';
export {
  generatePaperSynthetic,
  moreIsBetterReward,
  moderationReward,
  PAPER_SYNTHETIC_USERS,
  PAPER_SYNTHETIC_REWARDS,
  type PaperSyntheticOptions,
  type PaperSyntheticUser,
} from './synthetic/paper-synthetic.js';
export { type DataIssue, IssueCollector, issueToError } from './errors/data-issue.js';
export { readLines, DEFAULT_MAX_LINE_BYTES, type LineEvent } from './io/line-reader.js';
export { PREFERENCE_FORMAT_NAMES, type PreferenceFormatName, type RecordFormat, type RecordContext } from './readers/record-format.js';
export type { ContainerName, RecordEvent } from './readers/record-source.js';
export { RECORD_FORMATS, detectContainer, detectRecordFormat, recordFormat } from './readers/detect-format.js';
export { trlFormat, renderMessages } from './readers/trl-format.js';
export { hhRlhfFormat, splitTranscripts } from './readers/hh-rlhf-format.js';
export { relabeledHhFormat } from './readers/relabeled-hh-format.js';
export {
  ultraFeedbackFormat,
  parseUltraFeedbackRow,
  ULTRAFEEDBACK_CRITERIA,
  type UltraFeedbackRow,
  type UltraFeedbackCriterion,
} from './readers/ultrafeedback-format.js';
export { jsonlRecords } from './readers/jsonl-source.js';
export type { RecordSourceOptions } from './readers/record-source.js';
export { csvRecords } from './readers/csv-source.js';
export { parquetRecords } from './readers/parquet-source.js';
export {
  PreferenceFileReader,
  readPreferenceFile,
  readPreferencePairs,
  type ReadPreferenceOptions,
  type ReadPreferenceResult,
} from './readers/read-preference-file.js';
export { inspectFile, NO_VALUE, type FileInspection } from './inspect/inspect-file.js';
export { writeTrlJsonl } from './writers/trl-jsonl-writer.js';
export { encodeNpyHeader, parseNpyHeader, readNpy, writeNpy, type NpyHeader, type ReadNpyOptions } from './embeddings/npy.js';
export { readEmbeddingStore, writeEmbeddingStore, INDEX_FILE, NPY_FILE, SAFETENSORS_FILE, type EmbeddingStoreFormat } from './embeddings/embedding-store.js';
export {
  embedFilesCached,
  EMBEDDING_CACHE_VERSION,
  CACHE_MANIFEST_FILE,
  type EmbedFilesCachedOptions,
  type CachedFileEmbeddings,
  type EmbeddingCacheEvent,
} from './embeddings/embedding-cache.js';
export { textLookupFeaturizer, type TextLookupFeaturizer } from './embeddings/text-lookup-featurizer.js';
export type { TextPair, TextPairSet } from './types/text-pair-set.js';
export type { Featurizer, FeaturizerInput, FeaturizeOptions, FeaturizeProgress } from './featurize/featurizer.js';
export { HashedNgramFeaturizer, hashedNgramFeaturizer, type HashedNgramOptions } from './featurize/hashed-ngram-featurizer.js';
export { RESPONSE_CUE_COUNT, RESPONSE_CUE_NAMES, writeResponseCues } from './featurize/response-cues.js';
export { ResponseCueFeaturizer } from './featurize/response-cue-featurizer.js';
export { transformersFeaturizer, type TransformersFeaturizerOptions } from './featurize/transformers-featurizer.js';
export { groupPairs, embedTextPairs, embedPairs, type GroupPairsOptions, type EmbedPairsOptions } from './featurize/embed-pairs.js';
export { useLiteFeaturizer, useLiteDescription, type UseLiteFeaturizer, type UseLiteFeaturizerOptions } from './featurize/use-lite/use-lite-featurizer.js';
export { deferredUseLiteFeaturizer } from './featurize/use-lite/deferred-use-lite-featurizer.js';
export {
  UseLiteEncoder,
  USE_LITE_DIM,
  USE_LITE_MAX_TOKENS,
  checkUseLiteEncoderOptions,
  type UseLiteEncoderOptions,
} from './featurize/use-lite/use-lite-encoder.js';
export { USE_LITE_RECIPE, USE_LITE_FEATURE_DIM } from './featurize/use-lite/use-lite-recipe.js';
export { USE_LITE_ENCODER_ID, USE_LITE_INSTALL_COMMAND, USE_LITE_MODEL_PACKAGE, USE_LITE_TOKENIZER_ID } from './featurize/use-lite/use-lite-packages.js';
export type { UseLiteFileReader, PackageDirectoryResolver } from './featurize/use-lite/use-lite-file-reader.js';
export { fetchUseLiteFiles, type FetchUseLiteFilesOptions } from './featurize/use-lite/fetch-use-lite-files.js';
export { USE_LITE_PUBLISHED_FILES, type PublishedFile } from './featurize/use-lite/use-lite-published-files.js';
export type { TextTokenizer } from './featurize/use-lite/use-lite-tokenizer.js';
export { SentencePieceTokenizer, type SentencePieceVocabulary } from './featurize/use-lite/sentencepiece-tokenizer.js';
export { builtinDatasetPath, BUILTIN_DATASETS, type BuiltinDatasetName } from './datasets/builtin-datasets.js';
export { loadRelabeledHh, type LoadRelabeledHhOptions } from './datasets/relabeled-hh.js';
export {
  buildUltraFeedbackSet,
  readUltraFeedbackRows,
  ULTRAFEEDBACK_SETTINGS,
  type UltraFeedbackBuildOptions,
  type UltraFeedbackBuildResult,
} from './readers/ultrafeedback-builder.js';
export { generateSyntheticPreferences, linearLatentReward, type LatentReward, type SyntheticPreferencesOptions } from './synthetic/synthetic-preferences.js';
export {
  featurizerConfigSchema,
  createFeaturizer,
  DEFAULT_FEATURIZER_CONFIG,
  type CreateFeaturizerOptions,
  type FeaturizerConfig,
  type FeaturizerConfigInput,
} from './sources/featurizer-config.js';
export type { UseLiteSource } from './sources/use-lite-from-config.js';
export { preferredTextFeaturizer, type PreferredTextFeaturizer } from './sources/preferred-text-featurizer.js';
export { preferenceDataConfigSchema, type PreferenceDataConfig, type PreferenceDataConfigInput } from './sources/preference-data-config.js';
export {
  loadPreferenceData,
  CACHED_FEATURIZERS,
  type EmbeddingsStatus,
  type LoadPreferenceDataOptions,
  type PreferenceDataEvent,
} from './sources/load-preference-data.js';
export { restrictToUsers } from './sources/restrict-to-users.js';
