import { z } from 'zod';
import { parseConfig } from '@steerable/core';
import { featurizerConfigSchema } from '@steerable/preference-data';
import { DPO_LOSS_TYPES } from '../losses/dpo.js';
import { policyDataConfigSchema } from '../data/policy-data-config.js';

export const POLICY_KINDS = ['sft', 'dpo', 'np-dpo'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** The GPT-2 an SFT run trains from scratch; the vocabulary size and special tokens come from its tokenizer. */
export const policyArchitectureSchema = z.strictObject({
  n_positions: z.number().int().positive().default(128),
  n_embd: z.number().int().positive().default(64),
  n_layer: z.number().int().positive().default(2),
  n_head: z.number().int().positive().default(4),
  /** Inner MLP width; null means 4 * n_embd, as in Hugging Face. */
  n_inner: z.number().int().positive().nullable().default(null),
  layer_norm_epsilon: z.number().positive().default(1e-5),
  activation_function: z.literal('gelu_new').default('gelu_new'),
});

/** A word-level tokenizer counted over the training texts (SFT from scratch only). */
export const wordLevelTokenizerConfigSchema = z.strictObject({
  vocabSize: z.number().int().positive().default(8000),
  minFrequency: z.number().int().positive().default(1),
  lowercase: z.boolean().default(true),
});

/** Lengths in tokens, TRL's DPOConfig names (max_prompt_length, max_length). */
export const promptTemplateConfigSchema = z.strictObject({
  maxPromptLength: z.number().int().positive().default(64),
  maxLength: z.number().int().positive().default(112),
});

/** How context pairs are embedded for NP-DPO's encoder: the policy's own hidden states, or a preference-data featurizer. */
export const contextFeaturizerConfigSchema = z.union([z.strictObject({ kind: z.literal('policy-hidden') }), featurizerConfigSchema]);

const loraSchema = z.strictObject({
  rank: z.number().int().positive().default(8),
  /** Scaling alpha / rank; the paper uses alpha = 2 * rank. */
  alpha: z.number().positive().default(16),
  dropout: z.number().min(0).lt(1).default(0.1),
});

export const dpoConfigSchema = z.strictObject({
  /** Which users' labels train this policy (DPO-mixed: all, the default; DPO-<type>: one). */
  userTypes: z.array(z.string().min(1)).min(1).optional(),
  steps: z.number().int().min(0).default(300),
  /** Labels per step. */
  batchSize: z.number().int().positive().default(32),
  beta: z.number().positive().default(0.05),
  lossType: z.enum(DPO_LOSS_TYPES).default('sigmoid'),
  labelSmoothing: z.number().min(0).lt(0.5).default(0),
  /** TRL's rpo_alpha (0: plain DPO). */
  rpoAlpha: z.number().min(0).default(0.3),
  lr: z.number().positive().default(3e-3),
  maxGradNorm: z.number().positive().nullable().default(10),
  lora: loraSchema.default({ rank: 8, alpha: 16, dropout: 0.1 }),
});

export const npDpoConfigSchema = z.strictObject({
  steps: z.number().int().min(0).default(800),
  tasksPerBatch: z.number().int().positive().default(8),
  /** k ~ UniformInt[min, max] per batch (the paper: [0, 6]). */
  contextSize: z.tuple([z.number().int().min(0), z.number().int().min(0)]).default([0, 10]),
  /** Target pairs per task (the paper: 9). */
  targetsPerTask: z.number().int().positive().default(9),
  encoderHiddenDim: z.number().int().positive().default(32),
  encoderHeads: z.number().int().positive().default(4),
  /**
   * The context encoder's own Adam learning rate; null trains it at `dpo.lr` with LoRA and FiLM.
   * A rate that suits LoRA and FiLM (1e-2) can kill the encoder's ReLU units early, after which z
   * no longer depends on the context.
   */
  encoderLr: z.number().positive().nullable().default(null),
});

export type PolicyEvaluationConfig = z.output<typeof policyEvaluationConfigSchema>;

export const policyEvaluationConfigSchema = z.strictObject({
  ks: z.array(z.number().int().min(0)).min(1).default([0, 1, 3, 5, 10]),
  tasksPerType: z.number().int().positive().default(200),
  targetsPerTask: z.number().int().positive().default(8),
  /** Prompts per user type that get generations (0: implicit accuracy only). */
  generationsPerType: z.number().int().min(0).default(200),
  temperature: z.number().positive().default(0.7),
  topP: z.number().gt(0).max(1).default(0.95),
  maxNewTokens: z.number().int().positive().default(10),
  /**
   * A judge that scores text for each user type (win rates, rewards of generations, and the truth
   * of held-out pairs instead of their possibly noisy labels). null: labels only, no win rates.
   */
  judge: z.enum(['steerable-text']).nullable().default(null),
  /** Unconditional policy runs to score beside this one (e.g. DPO-<type> oracles), when present. */
  baselines: z.array(z.string().min(1)).default([]),
});

/**
 * A policy training run: 'sft' (the base LM, exported in Hugging Face format), 'dpo' (LoRA) or
 * 'np-dpo' (LoRA + FiLM + context encoder) on any preference data with user ids. Strict at every
 * level; defaults are the steerable-text benchmark's.
 */
export const policyRunConfigSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().default(''),
    kind: z.enum(POLICY_KINDS),
    seed: z.number().int().default(0),
    data: policyDataConfigSchema.default({
      source: 'steerable-text',
      seed: 0,
      pairsPerType: { train: 3000, validation: 200, test: 600 },
      labelNoise: 0.2,
      styleConflict: 0.7,
    }),
    template: promptTemplateConfigSchema.default({ maxPromptLength: 64, maxLength: 112 }),
    /** sft: the tokenizer counted over the training texts (ignored with baseModelDir, which brings its own). */
    tokenizer: wordLevelTokenizerConfigSchema.default({ vocabSize: 8000, minFrequency: 1, lowercase: true }),
    /** sft: the architecture of the GPT-2 trained from scratch. */
    model: policyArchitectureSchema.default(policyArchitectureSchema.parse({})),
    /** sft: fine-tune this GPT-2 checkpoint (Hugging Face format: config.json, model.safetensors, tokenizer.json) instead. */
    baseModelDir: z.string().min(1).optional(),
    sft: z
      .strictObject({
        epochs: z.number().int().min(0).default(1),
        batchSize: z.number().int().positive().default(64),
        lr: z.number().positive().default(3e-3),
        maxGradNorm: z.number().positive().nullable().default(1),
      })
      .default({ epochs: 1, batchSize: 64, lr: 3e-3, maxGradNorm: 1 }),
    /** dpo / np-dpo: the SFT run whose model is pi_ref (a directory, relative to this run's parent, or a preset name). */
    reference: z.string().min(1).optional(),
    /** np-dpo: the DPO-mixed run the evaluation compares against (trained first when missing and a preset). */
    baseline: z.string().min(1).optional(),
    contextFeaturizer: contextFeaturizerConfigSchema.default({ kind: 'policy-hidden' }),
    dpo: dpoConfigSchema.default(dpoConfigSchema.parse({})),
    npDpo: npDpoConfigSchema.default(npDpoConfigSchema.parse({})),
    eval: policyEvaluationConfigSchema.default(policyEvaluationConfigSchema.parse({})),
    checkpointEvery: z.number().int().positive().default(100),
    keepCheckpoints: z.number().int().positive().default(3),
    /** A non-finite loss or gradient, caught before the update: 'stop' the run (default) or 'skip' that step's update. */
    onNonFinite: z.enum(['stop', 'skip']).default('stop'),
  })
  .superRefine((run, context) => {
    if (run.kind !== 'sft' && !run.reference)
      context.addIssue({ code: 'custom', path: ['reference'], message: `a ${run.kind} run needs the SFT run it starts from` });
    if (run.model.n_embd % run.model.n_head !== 0)
      context.addIssue({ code: 'custom', path: ['model', 'n_head'], message: `n_head ${run.model.n_head} must divide n_embd ${run.model.n_embd}` });
    if (run.template.maxLength <= run.template.maxPromptLength + 1)
      context.addIssue({ code: 'custom', path: ['template', 'maxLength'], message: 'maxLength must leave room for a response after maxPromptLength' });
    if (!run.baseModelDir && run.model.n_positions < Math.max(run.template.maxLength, run.template.maxPromptLength + run.eval.maxNewTokens)) {
      context.addIssue({
        code: 'custom',
        path: ['model', 'n_positions'],
        message: `n_positions ${run.model.n_positions} is shorter than template.maxLength ${run.template.maxLength} or a prompt plus eval.maxNewTokens`,
      });
    }
    const [min, max] = run.npDpo.contextSize;
    if (min > max) context.addIssue({ code: 'custom', path: ['npDpo', 'contextSize'], message: 'contextSize is [min, max] with min <= max' });
  });

export type PolicyRunConfig = z.output<typeof policyRunConfigSchema>;
export type PolicyRunConfigInput = z.input<typeof policyRunConfigSchema>;

/** Validates a policy run config; errors name the file, the field and the nearest valid key. */
export function parsePolicyRunConfig(input: unknown, file?: string): PolicyRunConfig {
  return parseConfig(policyRunConfigSchema, input, {
    ...(file ? { file } : {}),
    reference: 'every field and its default: steerable-train policy --list-presets --json',
  });
}
