import { SteerableError } from '@steerable/core';
import { type PolicyRunConfig, type PolicyRunConfigInput, parsePolicyRunConfig } from './policy-run-config.js';

// The steerable-text language fits in 6 prompt tokens ([bos] tell me about TOPIC [sep]) and a
// response of at most 9 (TOPIC, 7 style words, eos); a 0.1 M-parameter GPT-2 learns it.
const steerableText: Pick<PolicyRunConfigInput, 'data' | 'template' | 'model' | 'eval'> = {
  data: { source: 'steerable-text' },
  template: { maxPromptLength: 6, maxLength: 15 },
  model: { n_positions: 16, n_embd: 64, n_layer: 2, n_head: 4 },
  eval: { judge: 'steerable-text', baselines: ['steerable-text-dpo-formal', 'steerable-text-dpo-casual'] },
};

/** The steerable-text benchmark's runs: SFT, then DPO-mixed and DPO-<type> oracles, then NP-DPO. */
export const POLICY_PRESETS: Record<string, PolicyRunConfigInput> = {
  'steerable-text-sft': {
    ...steerableText,
    name: 'steerable-text-sft',
    kind: 'sft',
    description: 'SFT of a 0.1M-parameter GPT-2 on both styles of the steerable-text language',
  },
  'steerable-text-dpo-mixed': {
    ...steerableText,
    name: 'steerable-text-dpo-mixed',
    kind: 'dpo',
    reference: 'steerable-text-sft',
    description: 'DPO (LoRA) on the pooled preferences of both user types',
  },
  'steerable-text-dpo-formal': {
    ...steerableText,
    name: 'steerable-text-dpo-formal',
    kind: 'dpo',
    reference: 'steerable-text-sft',
    dpo: { userTypes: ['formal'] },
    description: 'DPO (LoRA) on the formal users only (the oracle for that type)',
  },
  'steerable-text-dpo-casual': {
    ...steerableText,
    name: 'steerable-text-dpo-casual',
    kind: 'dpo',
    reference: 'steerable-text-sft',
    dpo: { userTypes: ['casual'] },
    description: 'DPO (LoRA) on the casual users only (the oracle for that type)',
  },
  'steerable-text-np-dpo': {
    ...steerableText,
    name: 'steerable-text-np-dpo',
    kind: 'np-dpo',
    reference: 'steerable-text-sft',
    baseline: 'steerable-text-dpo-mixed',
    description: 'NP-DPO: LoRA + FiLM + context encoder; trains SFT and DPO-mixed first when missing',
  },
};

export function resolvePolicyPreset(name: string): PolicyRunConfig {
  const preset = POLICY_PRESETS[name];
  if (!preset) {
    throw new SteerableError('unknown-preset', `no policy preset '${name}'`, { field: 'preset', hint: `use one of: ${Object.keys(POLICY_PRESETS).join(', ')} (--list-presets)` });
  }
  return parsePolicyRunConfig(structuredClone(preset));
}
