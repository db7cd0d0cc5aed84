import { SteerableError } from '@steerable/core';
import type { Gpt2Config } from '../model/gpt2-config.js';
import type { LoraConfig } from '../model/adapters.js';
import type { DpoLossType } from '../losses/dpo.js';
import { DEFAULT_STEERABLE_TEXT_OPTIONS, STEERABLE_TEXT_MAX_LENGTH, STEERABLE_TEXT_VOCAB_SIZE, TOKEN, type SteerableTextOptions } from '../benchmark/steerable-text.js';

export type PolicyKind = 'sft' | 'dpo' | 'np-dpo';

/** A policy training run (config.json of a run directory). */
export interface PolicyRunConfig {
  name: string;
  kind: PolicyKind;
  seed: number;
  data: { benchmark: 'steerable-text' } & SteerableTextOptions;
  /** sft: architecture of the LM trained from scratch (or `baseModelDir` to fine-tune an HF checkpoint). */
  model: Gpt2Config;
  baseModelDir?: string;
  sft: { epochs: number; batchSize: number; lr: number };
  /** dpo / np-dpo: the SFT run (preset name or directory) whose model is pi_ref. */
  reference: string;
  /** np-dpo: the DPO-mixed run (preset name or directory) to compare against; trained first when missing. */
  baseline?: string;
  dpo: {
    /** Which user types' pairs train this policy (DPO-mixed: all; DPO-<type>: one). */
    userTypes: string[];
    steps: number;
    batchSize: number;
    beta: number;
    lossType: DpoLossType;
    labelSmoothing: number;
    /** TRL's rpo_alpha (0: plain DPO). */
    rpoAlpha: number;
    lr: number;
    lora: LoraConfig;
  };
  npDpo: {
    steps: number;
    tasksPerBatch: number;
    maxContext: number;
    targetsPerTask: number;
    encoderHiddenDim: number;
    encoderHeads: number;
  };
  eval: { ks: number[]; tasksPerType: number; targetsPerTask: number; generationsPerType: number; temperature: number; topP: number; maxNewTokens: number };
  checkpointEvery: number;
}

export const BENCHMARK_MODEL: Gpt2Config = {
  vocab_size: STEERABLE_TEXT_VOCAB_SIZE,
  n_positions: STEERABLE_TEXT_MAX_LENGTH + 1,
  n_embd: 64,
  n_layer: 2,
  n_head: 4,
  n_inner: null,
  layer_norm_epsilon: 1e-5,
  activation_function: 'gelu_new',
  bos_token_id: TOKEN.bos,
  eos_token_id: TOKEN.eos,
};

const BASE: Omit<PolicyRunConfig, 'name' | 'kind'> = {
  seed: 0,
  data: { benchmark: 'steerable-text', ...DEFAULT_STEERABLE_TEXT_OPTIONS },
  model: BENCHMARK_MODEL,
  sft: { epochs: 4, batchSize: 64, lr: 3e-3 },
  reference: 'steerable-text-sft',
  dpo: { userTypes: ['formal', 'casual'], steps: 300, batchSize: 32, beta: 0.05, lossType: 'sigmoid', labelSmoothing: 0, rpoAlpha: 0.3, lr: 3e-3, lora: { rank: 8, alpha: 16, dropout: 0.1 } },
  npDpo: { steps: 800, tasksPerBatch: 8, maxContext: 10, targetsPerTask: 9, encoderHiddenDim: 32, encoderHeads: 4 },
  eval: { ks: [0, 1, 3, 5, 10], tasksPerType: 200, targetsPerTask: 8, generationsPerType: 200, temperature: 0.7, topP: 0.95, maxNewTokens: 10 },
  checkpointEvery: 100,
};

/** The steerable-text benchmark's runs. */
export const POLICY_PRESETS: Record<string, PolicyRunConfig> = {
  'steerable-text-sft': { ...BASE, name: 'steerable-text-sft', kind: 'sft' },
  'steerable-text-dpo-mixed': { ...BASE, name: 'steerable-text-dpo-mixed', kind: 'dpo' },
  'steerable-text-dpo-formal': { ...BASE, name: 'steerable-text-dpo-formal', kind: 'dpo', dpo: { ...BASE.dpo, userTypes: ['formal'] } },
  'steerable-text-dpo-casual': { ...BASE, name: 'steerable-text-dpo-casual', kind: 'dpo', dpo: { ...BASE.dpo, userTypes: ['casual'] } },
  'steerable-text-np-dpo': { ...BASE, name: 'steerable-text-np-dpo', kind: 'np-dpo', baseline: 'steerable-text-dpo-mixed' },
};

export const PRESET_DESCRIPTIONS: Record<string, string> = {
  'steerable-text-sft': 'SFT of a 0.1M-parameter GPT-2 on both styles of the steerable-text language',
  'steerable-text-dpo-mixed': 'DPO (LoRA) on the pooled preferences of both user types',
  'steerable-text-dpo-formal': 'DPO (LoRA) on the formal users only (the oracle for that type)',
  'steerable-text-dpo-casual': 'DPO (LoRA) on the casual users only (the oracle for that type)',
  'steerable-text-np-dpo': 'NP-DPO: LoRA + FiLM + context encoder; trains SFT and DPO-mixed first when missing',
};

export function resolvePreset(name: string): PolicyRunConfig {
  const preset = POLICY_PRESETS[name];
  if (!preset) {
    throw new SteerableError('unknown-preset', `no policy preset '${name}'`, { field: 'preset', hint: `use one of: ${Object.keys(POLICY_PRESETS).join(', ')} (--list-presets)` });
  }
  return structuredClone(preset);
}

/** Validates a user's config file against the preset of its kind (missing fields are filled from it). */
export function parsePolicyRunConfig(raw: unknown, file = 'config.json'): PolicyRunConfig {
  if (typeof raw !== 'object' || raw === null) throw new SteerableError('invalid-config', 'a policy run config must be a JSON object', { file });
  const r = raw as Partial<PolicyRunConfig>;
  if (r.kind !== 'sft' && r.kind !== 'dpo' && r.kind !== 'np-dpo') {
    throw new SteerableError('invalid-config', `kind is ${JSON.stringify(r.kind)}`, { file, field: 'kind', hint: "use 'sft', 'dpo' or 'np-dpo'" });
  }
  const base = resolvePreset(r.kind === 'sft' ? 'steerable-text-sft' : r.kind === 'dpo' ? 'steerable-text-dpo-mixed' : 'steerable-text-np-dpo');
  const merged: PolicyRunConfig = {
    ...base,
    ...r,
    data: { ...base.data, ...(r.data ?? {}) },
    sft: { ...base.sft, ...(r.sft ?? {}) },
    dpo: { ...base.dpo, ...(r.dpo ?? {}), lora: { ...base.dpo.lora, ...(r.dpo?.lora ?? {}) } },
    npDpo: { ...base.npDpo, ...(r.npDpo ?? {}) },
    eval: { ...base.eval, ...(r.eval ?? {}) },
    model: { ...base.model, ...(r.model ?? {}) },
  } as PolicyRunConfig;
  if (typeof merged.name !== 'string' || merged.name.length === 0) throw new SteerableError('invalid-config', 'name must be a non-empty string', { file, field: 'name' });
  if (!['sigmoid', 'ipo', 'robust'].includes(merged.dpo.lossType)) {
    throw new SteerableError('invalid-config', `unknown loss_type '${merged.dpo.lossType}'`, { file, field: 'dpo.lossType', hint: 'use sigmoid, ipo or robust' });
  }
  for (const [field, v] of [['dpo.steps', merged.dpo.steps], ['npDpo.steps', merged.npDpo.steps], ['sft.epochs', merged.sft.epochs]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new SteerableError('invalid-config', `must be a non-negative integer, got ${JSON.stringify(v)}`, { file, field });
  }
  return merged;
}
