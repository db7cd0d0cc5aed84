export { type Gpt2Config, GPT2_SMALL, innerSize, parseGpt2Config, toHfConfigJson } from './model/gpt2-config.js';
export { Gpt2LMHeadModel, type Gpt2ForwardOptions, type Gpt2Output } from './model/gpt2-model.js';
export { PolicyAdapters, LoraDelta, LoraAttention, Film, type AdapterConfig, type AdapterSwitch, type LoraConfig } from './model/adapters.js';
export { mergeLoraIntoModel } from './model/merge-lora.js';
export { type KvCache, type LayerKv, disposeKvCache } from './model/kv-cache.js';
export { loadGpt2Pretrained, saveGpt2Pretrained, createRandomGpt2Checkpoint, hfKeyToOurs, type RandomCheckpointOptions } from './io/hf-checkpoint.js';
export {
  type TextTokenizer,
  loadTokenizer,
  tokenizerFromJson,
  wordLevelTokenizerJson,
  TOKENIZER_JSON_MAX_BYTES,
  TOKENIZER_CONFIG_MAX_BYTES,
} from './io/tokenizer.js';
export { GPT2_CONFIG_MAX_BYTES, gpt2WeightShapes, readGpt2ConfigFile } from './io/hf-gpt2-config-file.js';
export { type SequenceBatch, type TokenizedExample, buildSequenceBatch, sequenceBatchArrays } from './logprobs/sequence-batch.js';
export { sequenceLogProbs, tokenLogProbs, responseTokenCounts } from './logprobs/sequence-logprobs.js';
export { sftLoss } from './losses/sft.js';
export {
  DPO_LOSS_TYPES,
  type DpoLossType,
  type DpoLossConfig,
  type DpoLogProbs,
  type DpoMetrics,
  dpoLosses,
  dpoMetrics,
  implicitRewards,
  rpoTerm,
} from './losses/dpo.js';
export { type NpDpoBatch, npDpoLoss } from './losses/np-dpo.js';
export { Policy, type PolicyMode, REFERENCE_MODE, repeatPerTask } from './policy/policy.js';
export { type SamplingOptions, sampleToken } from './generation/sampling.js';
export { generate, type GenerateOptions, type GenerateResult } from './generation/generate.js';
export {
  POLICY_KINDS,
  type PolicyKind,
  policyRunConfigSchema,
  parsePolicyRunConfig,
  type PolicyRunConfig,
  type PolicyRunConfigInput,
  policyArchitectureSchema,
  promptTemplateConfigSchema,
  contextFeaturizerConfigSchema,
  dpoConfigSchema,
  npDpoConfigSchema,
  policyEvaluationConfigSchema,
  wordLevelTokenizerConfigSchema,
} from './config/policy-run-config.js';
export { POLICY_PRESETS, resolvePolicyPreset } from './config/policy-presets.js';
export { policyDataConfigSchema, type PolicyDataConfig } from './data/policy-data-config.js';
export { loadPolicyPairs, policyTextPairs } from './data/load-policy-pairs.js';
export { type DataFile, withDataFile } from './data/with-data-file.js';
export { type PromptTemplate, promptTemplate, tokenizeExample } from './data/prompt-template.js';
export { buildWordLevelTokenizer, WORD_LEVEL_SPECIAL_TOKENS, type WordLevelVocabularyOptions } from './data/word-level-vocabulary.js';
export { type PolicyDataset, type TokenizedPair, tokenizePolicyData, sftExamples } from './data/policy-dataset.js';
export { subsetText } from './data/subset-text.js';
export { policyHiddenFeaturizer } from './data/policy-hidden-featurizer.js';
export {
  generateSteerableText,
  steerableTextOptionsSchema,
  DEFAULT_STEERABLE_TEXT_OPTIONS,
  type SteerableTextOptions,
} from './benchmark/steerable-text/generate-steerable-text.js';
export {
  steerableTextReward,
  STEERABLE_TEXT_USER_TYPES,
  type SteerableTextUserType,
  FORMAL_WORDS,
  CASUAL_WORDS,
  TOPICS,
} from './benchmark/steerable-text/steerable-text-language.js';
export type { PolicyTrainEvent, TrainHooks } from './training/events.js';
export {
  trainSft,
  trainDpo,
  trainNpDpo,
  withRpoMetrics,
  type OptimConfig,
  type ResumePoint,
  type CheckpointHook,
  type PreferenceExamples,
} from './training/loops.js';
export { cachedReferenceLogProbs, referenceCacheKey } from './training/reference-cache.js';
export { batchedLogProbs, embedResponses } from './training/batched.js';
export {
  trainPolicy,
  POLICY_ADAM_EPS,
  policyCheckpointKind,
  type PolicyRunHandle,
  type TrainPolicyOptions,
  type PolicyTrainResult,
} from './training/train-policy.js';
export { evaluatePolicy, policyEvalSchema, winsAgainst, type PolicyEvalJson, type PolicyEvalInputs } from './evaluation/evaluate-policy.js';
export { evaluatePolicyCheckpoints, loadPolicyCheckpoint, type EvaluatePolicyCheckpointsOptions } from './evaluation/evaluate-policy-checkpoints.js';
export { type PreferenceJudge, PREFERENCE_JUDGES, preferenceJudge, steerableTextJudge } from './evaluation/judges.js';
export { type MeanSem, meanSem } from './evaluation/stats.js';
