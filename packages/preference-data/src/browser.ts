// The browser build of @steerable/preference-data (package.json `exports` condition `browser`):
// records, tasks, splits, synthetic data, the built-in featurizers and the USE-lite encoder (its
// files fetched from the page's server with fetchUseLiteFiles), without what reads or writes files
// (file readers, embedding stores, built-in datasets, the transformers.js adapter, which loads a
// model directory from disk).
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
export { PREFERENCE_FORMAT_NAMES, type PreferenceFormatName, type RecordFormat, type RecordContext } from './readers/record-format.js';
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
export type { TextPair, TextPairSet } from './types/text-pair-set.js';
export type { Featurizer, FeaturizerInput } from './featurize/featurizer.js';
export { HashedNgramFeaturizer, hashedNgramFeaturizer, type HashedNgramOptions } from './featurize/hashed-ngram-featurizer.js';
export { RESPONSE_CUE_COUNT, RESPONSE_CUE_NAMES, writeResponseCues } from './featurize/response-cues.js';
export { ResponseCueFeaturizer } from './featurize/response-cue-featurizer.js';
export { groupPairs, embedTextPairs, embedPairs, type GroupPairsOptions } from './featurize/embed-pairs.js';
export { useLiteFeaturizer, type UseLiteFeaturizer, type UseLiteFeaturizerOptions } from './featurize/use-lite/use-lite-featurizer.js';
export { UseLiteEncoder, USE_LITE_DIM, USE_LITE_MAX_TOKENS, type UseLiteEncoderOptions } from './featurize/use-lite/use-lite-encoder.js';
export { USE_LITE_RECIPE, USE_LITE_FEATURE_DIM } from './featurize/use-lite/use-lite-recipe.js';
export { USE_LITE_ENCODER_ID, USE_LITE_MODEL_PACKAGE, USE_LITE_TOKENIZER_ID } from './featurize/use-lite/use-lite-packages.js';
export type { UseLiteFileReader } from './featurize/use-lite/use-lite-file-reader.js';
export { fetchUseLiteFiles, type FetchUseLiteFilesOptions } from './featurize/use-lite/fetch-use-lite-files.js';
export { USE_LITE_PUBLISHED_FILES, type PublishedFile } from './featurize/use-lite/use-lite-published-files.js';
export { generateSyntheticPreferences, linearLatentReward, type LatentReward, type SyntheticPreferencesOptions } from './synthetic/synthetic-preferences.js';
export {
  featurizerConfigSchema,
  createFeaturizer,
  DEFAULT_FEATURIZER_CONFIG,
  type CreateFeaturizerOptions,
  type FeaturizerConfig,
  type FeaturizerConfigInput,
} from './sources/featurizer-config.js';
export { preferenceDataConfigSchema, type PreferenceDataConfig, type PreferenceDataConfigInput } from './sources/preference-data-config.js';
export { restrictToUsers } from './sources/restrict-to-users.js';
