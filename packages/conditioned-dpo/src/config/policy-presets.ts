import { SteerableError } from '@steerable/core';
import { type DataFile, withDataFile } from '../data/with-data-file.js';
import { type PolicyRunConfig, type PolicyRunConfigInput, parsePolicyRunConfig } from './policy-run-config.js';

// The steerable-text language fits in 6 prompt tokens ([bos] tell me about TOPIC [sep]) and a
// response of at most 9 (TOPIC, 7 style words, eos); a 0.1 M-parameter GPT-2 learns it.
const steerableText: Pick<PolicyRunConfigInput, 'data' | 'template' | 'model' | 'eval'> = {
  data: { source: 'steerable-text' },
  template: { maxPromptLength: 6, maxLength: 15 },
  model: { n_positions: 16, n_embd: 64, n_layer: 2, n_head: 4 },
  eval: { judge: 'steerable-text', baselines: ['steerable-text-dpo-formal', 'steerable-text-dpo-casual'] },
};

// DialSummEval (a file the user passes with --data): pairs where the criteria disagree, split by
// dialogue. Dialogues run to ~500 word-level tokens; the prompt keeps its last 62 (TRL's
// keep_end: the closing turns, which the summaries mostly cover) between [bos] and [sep], and a
// response its first 63 tokens plus [eos] (93 % of summaries fit whole). Sizes, steps and rates
// were chosen on the validation dialogues (results/dialsummeval-np-dpo/README.md).
const dialSummEval: Pick<PolicyRunConfigInput, 'data' | 'template' | 'tokenizer' | 'model' | 'sft' | 'dpo' | 'npDpo' | 'eval'> = {
  data: { source: 'file', path: '', where: { conflict: true }, splitBy: 'prompt', splitFractions: [0.6, 0.15, 0.25] },
  template: { maxPromptLength: 64, maxLength: 128 },
  tokenizer: { vocabSize: 8000, minFrequency: 2, lowercase: true },
  model: { n_positions: 128, n_embd: 64, n_layer: 2, n_head: 4 },
  sft: { epochs: 20, batchSize: 32, lr: 3e-3, maxGradNorm: 1 },
  dpo: { steps: 200, batchSize: 16, lr: 1e-2, beta: 0.1, rpoAlpha: 0 },
  npDpo: { steps: 300, tasksPerBatch: 4, targetsPerTask: 4, contextSize: [0, 10] },
  eval: { judge: null, generationsPerType: 0, tasksPerType: 100, targetsPerTask: 4 },
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
  'dialsummeval-sft': {
    ...dialSummEval,
    name: 'dialsummeval-sft',
    kind: 'sft',
    description: "DialSummEval (--data FILE): SFT of a GPT-2 from scratch on the training dialogues' summaries",
  },
  'dialsummeval-dpo': {
    ...dialSummEval,
    name: 'dialsummeval-dpo',
    kind: 'dpo',
    reference: 'dialsummeval-sft',
    description: 'DialSummEval (--data FILE): DPO-mixed (LoRA) on the pooled labels of the four criteria',
  },
  'dialsummeval-np-dpo': {
    ...dialSummEval,
    name: 'dialsummeval-np-dpo',
    kind: 'np-dpo',
    reference: 'dialsummeval-sft',
    baseline: 'dialsummeval-dpo',
    description: 'DialSummEval (--data FILE): NP-DPO, one user per criterion; trains SFT and DPO-mixed first when missing',
  },
};

/** A preset, validated; `data` names the file of a preset that reads one (the DialSummEval presets need it). */
export function resolvePolicyPreset(name: string, options: { data?: DataFile } = {}): PolicyRunConfig {
  const preset = POLICY_PRESETS[name];
  if (!preset) {
    throw new SteerableError('unknown-preset', `no policy preset '${name}'`, {
      field: 'preset',
      hint: `use one of: ${Object.keys(POLICY_PRESETS).join(', ')} (--list-presets)`,
    });
  }
  const input = structuredClone(preset) as Record<string, unknown>;
  return parsePolicyRunConfig(options.data ? withDataFile(input, options.data) : input);
}
