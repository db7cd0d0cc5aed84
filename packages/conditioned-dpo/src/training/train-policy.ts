import { createHash } from 'node:crypto';
import type * as tf from '@tensorflow/tfjs';
import { type Adam, type CheckpointDirectory, Rng, type RngState, SteerableError, disposeCheckpoint, loadCheckpoint } from '@steerable/core';
import { ContextEncoder } from '@steerable/np-encoder';
import {
  type PreferencePair,
  type TaskSamplerState,
  TaskSampler,
  type TextPairSet,
  createFeaturizer,
  embedTextPairs,
  type Featurizer,
} from '@steerable/preference-data';
import type { PolicyRunConfig } from '../config/policy-run-config.js';
import { policyHiddenFeaturizer } from '../data/policy-hidden-featurizer.js';
import { type PolicyDataset, labelExamples, labelOnlySet, sftExamples, tokenizePolicyData } from '../data/policy-dataset.js';
import { policyTextPairs } from '../data/load-policy-pairs.js';
import { type PromptTemplate, promptTemplate } from '../data/prompt-template.js';
import { subsetText } from '../data/subset-text.js';
import { buildWordLevelTokenizer } from '../data/word-level-vocabulary.js';
import { loadGpt2Pretrained, saveGpt2Pretrained } from '../io/hf-checkpoint.js';
import { type TextTokenizer, loadTokenizer } from '../io/tokenizer.js';
import { PolicyAdapters } from '../model/adapters.js';
import { Gpt2LMHeadModel } from '../model/gpt2-model.js';
import { Policy } from '../policy/policy.js';
import type { TrainHooks } from './events.js';
import { type CheckpointHook, type LoopState, type PreferenceExamples, type ResumePoint, trainDpo, trainNpDpo, trainSft } from './loops.js';
import { cachedReferenceLogProbs } from './reference-cache.js';

/** Adam's epsilon for policies (TRL's default; the reward models use the paper's 3e-5). */
export const POLICY_ADAM_EPS = 1e-8;

/** The `model.kind` of policy checkpoints, per run kind. */
export const policyCheckpointKind = (kind: PolicyRunConfig['kind']): string => `steerable-policy-${kind}`;

/**
 * Where a policy run writes: its checkpoints (step-N, latest), the exported model of an SFT run
 * (Hugging Face format), and a cache for reference log-probs. A steerable-cli RunDirectory is one.
 */
export interface PolicyRunHandle {
  readonly checkpoints: CheckpointDirectory;
  readonly modelPath: string;
  readonly cachePath: string;
}

export interface TrainPolicyOptions extends TrainHooks {
  run: PolicyRunHandle;
  /** The run's preference pairs (loadPolicyPairs(config.data)). */
  pairs: readonly PreferencePair[];
  /** dpo / np-dpo: the SFT run's exported model (config.json, model.safetensors, tokenizer.json). */
  referenceModelDir?: string;
  /**
   * Where log pi_ref is cached (keyed by model and sequences): the SFT run's cache, so DPO-mixed,
   * NP-DPO and their evaluation on one SFT model compute it once. Default: this run's cache.
   */
  referenceCacheDir?: string;
  /** A checkpoint of this run to continue from exactly (weights, Adam moments, RNG, sampler position). */
  resumeFrom?: string | null;
}

export interface PolicyTrainResult {
  steps: number;
  metrics: Record<string, number>;
}

interface PolicyCheckpointExtra {
  sampler?: TaskSamplerState;
  /** sha256 of the tokenizer.json the run tokenized with; a resume with another is refused. */
  tokenizer: string;
  /** np-dpo: the context embedding size and what produced it. */
  contextDim?: number;
  contextFeaturizer?: Record<string, unknown>;
}

export function tokenizerDigest(tokenizer: TextTokenizer): string {
  return createHash('sha256').update(JSON.stringify(tokenizer.json)).digest('hex').slice(0, 16);
}

/**
 * Trains one policy run: 'sft' (the base LM, exported in Hugging Face format with its tokenizer),
 * 'dpo' (LoRA on the chosen users' pairs) or 'np-dpo' (LoRA + FiLM + context encoder), on any
 * preference pairs with user ids. Emits events, writes checkpoints through the run handle, never
 * prints. Resuming from a checkpoint written here takes the same steps as an uninterrupted run.
 */
export async function trainPolicy(config: PolicyRunConfig, options: TrainPolicyOptions): Promise<PolicyTrainResult> {
  const text = policyTextPairs(options.pairs, config.data);
  return config.kind === 'sft' ? trainSftRun(config, text, options) : trainPreferenceRun(config, text, options);
}

async function trainSftRun(config: PolicyRunConfig, text: TextPairSet, options: TrainPolicyOptions): Promise<PolicyTrainResult> {
  const rng = new Rng(config.seed);
  const train = subsetText(text, ['train']);
  let tokenizer: TextTokenizer;
  let model: Gpt2LMHeadModel;
  if (config.baseModelDir) {
    tokenizer = await loadTokenizer(config.baseModelDir);
    model = await loadGpt2Pretrained(config.baseModelDir);
  } else {
    tokenizer = buildWordLevelTokenizer(
      train.pairs.flatMap((pair) => [pair.prompt, pair.a, pair.b]),
      config.tokenizer,
    ).tokenizer;
    const template = promptTemplate(tokenizer, config.template);
    model = new Gpt2LMHeadModel(
      { ...config.model, vocab_size: vocabularySize(tokenizer), bos_token_id: template.bos ?? template.eos, eos_token_id: template.eos },
      new Rng(rng.seed()),
    );
  }
  const template = promptTemplate(tokenizer, config.template);
  const examples = sftExamples(tokenizePolicyData(train, tokenizer, template), 'train');
  options.onEvent?.({
    type: 'phase',
    phase: 'sft',
    detail: `${examples.length} examples, vocabulary ${vocabularySize(tokenizer)}, ${model.numParameters().toLocaleString('en-US')} parameters`,
  });
  const digest = tokenizerDigest(tokenizer);
  try {
    const resume = options.resumeFrom ? await restoreSft(options.resumeFrom, config, model, digest) : undefined;
    const save: CheckpointHook['save'] = async (step, optimizer) => {
      await saveCheckpoint(options, config, step, optimizer, new Map(model.namedParameters()), rng, { tokenizer: digest });
    };
    const optim = { lr: config.sft.lr, eps: POLICY_ADAM_EPS, maxGradNorm: config.sft.maxGradNorm };
    try {
      const { loss, steps } = await trainSft(
        model,
        examples,
        {
          onNonFinite: config.onNonFinite,
          epochs: config.sft.epochs,
          batchSize: config.sft.batchSize,
          optim,
          padId: template.pad,
          seed: config.seed,
          checkpoint: { every: config.checkpointEvery, save },
          ...(resume ? { resume } : {}),
        },
        options,
      );
      await saveGpt2Pretrained(model, options.run.modelPath, { tokenizerJson: tokenizer.json });
      return { steps, metrics: { 'sft/loss': loss } };
    } finally {
      for (const t of resume?.optimizer.tensors.values() ?? []) t.dispose();
    }
  } finally {
    model.dispose();
  }
}

function vocabularySize(tokenizer: TextTokenizer): number {
  const vocab = (tokenizer.json.model as { vocab?: Record<string, number> } | undefined)?.vocab;
  return vocab ? Math.max(...Object.values(vocab)) + 1 : 0;
}

async function trainPreferenceRun(config: PolicyRunConfig, text: TextPairSet, options: TrainPolicyOptions): Promise<PolicyTrainResult> {
  if (!options.referenceModelDir)
    throw new SteerableError('invalid-argument', `a ${config.kind} run needs the reference model directory`, {
      field: 'reference',
      hint: 'train the SFT run first and pass its model/ directory',
    });
  const rng = new Rng(config.seed);
  const model = await loadGpt2Pretrained(options.referenceModelDir);
  const tokenizer = await loadTokenizer(options.referenceModelDir);
  model.setTrainable(false);
  const template = promptTemplate(tokenizer, config.template);
  const users = config.dpo.userTypes;
  const train = subsetText(text, ['train'], users);
  if (train.labels.length === 0) {
    throw new SteerableError('not-enough-labels', `no training labels${users ? ` for users ${users.join(', ')}` : ''}`, {
      field: users ? 'dpo.userTypes' : 'data',
      hint: 'check the user ids in the data and the split column',
    });
  }
  const dataset = tokenizePolicyData(train, tokenizer, template);
  const featurizer = config.kind === 'np-dpo' ? await contextFeaturizer(config, model, tokenizer, template) : null;
  const adapters = buildAdapters(config, model, new Rng(rng.seed()));
  const encoder = featurizer ? buildEncoder(config, featurizer.dim, new Rng(rng.seed())) : null;
  const policy = new Policy(model, adapters, encoder);
  const digest = tokenizerDigest(tokenizer);
  let resume: ResumePoint | undefined;
  try {
    const examples = await preferenceExamples(policy, dataset, options.referenceCacheDir ?? options.run.cachePath);
    const embedded = featurizer ? await embedTextPairs(train, featurizer) : labelOnlySet(train);
    const sampler =
      config.kind === 'np-dpo'
        ? new TaskSampler(embedded, {
            split: 'train',
            numTargets: config.npDpo.targetsPerTask,
            contextSize: config.npDpo.contextSize,
            batchSize: config.npDpo.tasksPerBatch,
            seed: config.seed,
          })
        : new TaskSampler(embedded, { split: 'train', numTargets: 1, contextSize: 0, batchSize: config.dpo.batchSize, seed: config.seed });
    const extra: PolicyCheckpointExtra = {
      tokenizer: digest,
      ...(featurizer ? { contextDim: featurizer.dim, contextFeaturizer: featurizer.description } : {}),
    };
    resume = options.resumeFrom ? await restorePreference(options.resumeFrom, config, policy, rng, digest) : undefined;
    if (resume) options.onEvent?.({ type: 'phase', phase: config.kind, detail: `resuming after step ${resume.step}` });
    const save: CheckpointHook['save'] = async (step: number, optimizer: Adam, state: LoopState) => {
      await saveCheckpoint(options, config, step, optimizer, new Map(policy.trainableParameters()), rng, {
        ...extra,
        ...(state.sampler ? { sampler: state.sampler } : {}),
      });
    };
    const loop = {
      onNonFinite: config.onNonFinite,
      loss: { beta: config.dpo.beta, lossType: config.dpo.lossType, labelSmoothing: config.dpo.labelSmoothing, rpoAlpha: config.dpo.rpoAlpha },
      optim: { lr: config.dpo.lr, eps: POLICY_ADAM_EPS, maxGradNorm: config.dpo.maxGradNorm, encoderLr: config.npDpo.encoderLr },
      padId: template.pad,
      rng,
      checkpoint: { every: config.checkpointEvery, save },
      ...(resume ? { resume } : {}),
    };
    const steps = config.kind === 'np-dpo' ? config.npDpo.steps : config.dpo.steps;
    const metrics =
      config.kind === 'np-dpo'
        ? await trainNpDpo(policy, examples, sampler, { ...loop, steps }, options)
        : await trainDpo(policy, examples, sampler, { ...loop, steps }, options);
    return { steps, metrics };
  } finally {
    for (const t of resume?.optimizer.tensors.values() ?? []) t.dispose();
    policy.dispose();
    model.dispose();
  }
}

/** The context featurizer an NP-DPO config names: the policy's hidden states, or a preference-data featurizer. */
export async function contextFeaturizer(
  config: PolicyRunConfig,
  model: Gpt2LMHeadModel,
  tokenizer: TextTokenizer,
  template: PromptTemplate,
): Promise<Featurizer> {
  const choice = config.contextFeaturizer;
  return choice.kind === 'policy-hidden' ? policyHiddenFeaturizer(model, tokenizer, template) : createFeaturizer(choice);
}

/** Chosen/rejected ids per label with log pi_ref of both options, cached on disk by model and data. */
export async function preferenceExamples(policy: Policy, dataset: PolicyDataset, cacheDir: string): Promise<PreferenceExamples> {
  const sequences = dataset.pairs.flatMap((pair) => [pair.a, pair.b]);
  const { values } = await cachedReferenceLogProbs(policy, sequences, dataset.template.pad, cacheDir);
  const reference = (label: number, chosen: boolean): number => {
    const { pair, preferred } = labelExamples(dataset, label);
    const option = chosen ? preferred : 1 - preferred;
    return values[2 * pair + option]!;
  };
  return {
    chosen: (label) => labelExamples(dataset, label).chosen,
    rejected: (label) => labelExamples(dataset, label).rejected,
    referenceChosen: (label) => reference(label, true),
    referenceRejected: (label) => reference(label, false),
  };
}

export function buildEncoder(config: PolicyRunConfig, inputDim: number, rng: Rng): ContextEncoder {
  return new ContextEncoder(
    {
      inputDim,
      hiddenDim: config.npDpo.encoderHiddenDim,
      pairEncoder: 'mlp',
      aggregation: 'self-attention-sum',
      numHeads: config.npDpo.encoderHeads,
      attentionDropout: 0.1,
    },
    rng,
  );
}

export function buildAdapters(config: PolicyRunConfig, model: Gpt2LMHeadModel, rng: Rng): PolicyAdapters {
  return new PolicyAdapters(
    { lora: config.dpo.lora, filmLatentDim: config.kind === 'np-dpo' ? config.npDpo.encoderHiddenDim : null },
    model.config.n_layer,
    model.config.n_embd,
    rng,
  );
}

async function saveCheckpoint(
  options: TrainPolicyOptions,
  config: PolicyRunConfig,
  step: number,
  optimizer: Adam,
  state: Map<string, tf.Tensor>,
  rng: Rng,
  extra: PolicyCheckpointExtra,
): Promise<void> {
  const optimizerState = optimizer.stateDict();
  const dir = await options.run.checkpoints.save({
    step,
    model: { kind: policyCheckpointKind(config.kind), config, state },
    optimizer: { kind: 'adam', config: optimizer.config, step: optimizerState.step, state: optimizerState.tensors },
    rng: { train: rng.state() },
    extra: extra as unknown as Record<string, unknown>,
  });
  options.onEvent?.({ type: 'checkpoint', phase: config.kind, step, dir });
}

/** Loads a checkpoint's manifest and tensors, refusing one of another run kind or tokenizer. */
async function openResumable(dir: string, config: PolicyRunConfig, digest: string) {
  const checkpoint = await loadCheckpoint(dir);
  const extra = checkpoint.manifest.extra as unknown as Partial<PolicyCheckpointExtra>;
  const problem =
    checkpoint.manifest.model.kind !== policyCheckpointKind(config.kind) ||
    !checkpoint.optimizerState ||
    !checkpoint.manifest.optimizer ||
    !checkpoint.manifest.rng.train
      ? `it is not a resumable ${config.kind} checkpoint (model kind '${checkpoint.manifest.model.kind}'; optimizer and RNG state needed)`
      : extra.tokenizer !== digest
        ? 'it was trained with another tokenizer (the data or the reference model changed)'
        : null;
  if (problem) {
    disposeCheckpoint(checkpoint);
    throw new SteerableError('bad-checkpoint', `cannot resume from ${dir}: ${problem}`, {
      file: `${dir}/manifest.json`,
      hint: 'resume with the config and data the run was started with, or start a new run',
    });
  }
  return { checkpoint, extra };
}

async function restoreSft(dir: string, config: PolicyRunConfig, model: Gpt2LMHeadModel, digest: string): Promise<ResumePoint> {
  const { checkpoint } = await openResumable(dir, config, digest);
  try {
    model.loadStateDict(checkpoint.weights, { source: `${dir}/weights.safetensors` });
  } catch (error) {
    disposeCheckpoint(checkpoint);
    throw error;
  }
  for (const t of checkpoint.weights.values()) t.dispose();
  return { step: checkpoint.manifest.step, optimizer: { step: checkpoint.manifest.optimizer!.step, tensors: checkpoint.optimizerState! } };
}

async function restorePreference(dir: string, config: PolicyRunConfig, policy: Policy, rng: Rng, digest: string): Promise<ResumePoint> {
  const { checkpoint, extra } = await openResumable(dir, config, digest);
  try {
    loadPolicyWeights(policy, checkpoint.weights, `${dir}/weights.safetensors`);
    rng.setState(checkpoint.manifest.rng.train as RngState);
  } catch (error) {
    disposeCheckpoint(checkpoint);
    throw error;
  }
  for (const t of checkpoint.weights.values()) t.dispose();
  return {
    step: checkpoint.manifest.step,
    optimizer: { step: checkpoint.manifest.optimizer!.step, tensors: checkpoint.optimizerState! },
    ...(extra.sampler ? { sampler: extra.sampler } : {}),
  };
}

/** Puts `adapters.*` and `encoder.*` weights (a policy checkpoint's) into a policy, strictly. */
export function loadPolicyWeights(policy: Policy, weights: Map<string, tf.Tensor>, source: string): void {
  const part = (prefix: string) => new Map([...weights].filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), value]));
  policy.adapters.loadStateDict(part('adapters.'), { source });
  policy.encoder?.loadStateDict(part('encoder.'), { source });
}
