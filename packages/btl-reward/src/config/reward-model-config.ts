import { z } from 'zod';
import { parseConfig } from '@steerable/core';
import { AGGREGATIONS } from '@steerable/np-encoder';

export const REWARD_MODEL_KINDS = ['btl', 'dpl', 'np-btl', 'vpl'] as const;
export type RewardModelKind = (typeof REWARD_MODEL_KINDS)[number];

/** sqrt(2 pi): the DPL constant of the original code. 1.702 is the standard probit approximation. */
export const DPL_ORIGINAL_C = Math.sqrt(2 * Math.PI);

/**
 * A reward model as plain JSON, so a checkpoint's manifest and a run config can rebuild it.
 * Fields a kind does not use are ignored by that kind but still written out resolved.
 */
export const rewardModelConfigSchema = z.strictObject({
  kind: z.enum(REWARD_MODEL_KINDS),
  /** D: embedding size of one option (1 for the synthetic data). Runs fill it in from the data. */
  inputDim: z.number().int().positive(),
  /** H (the paper: 256). */
  hiddenDim: z.number().int().positive().default(256),
  /** Seeds the initialisation. Runs fill it in from their seed. */
  initSeed: z.number().int().default(0),
  /**
   * BatchNorm in the reward head g. The paper has it everywhere; the default keeps it for BTL and
   * DPL but not for NP-BTL, where every k = 0 batch shares one z that training-mode BatchNorm
   * subtracts away, so the learned prior gets no gradient and few-shot accuracy swings by up to 10
   * points between nearby steps. `true` reproduces the paper.
   */
  batchNorm: z.boolean().optional(),
  /** DPL: p(a > b) = sigmoid(c (mu_a - mu_b) / sqrt(s_a^2 + s_b^2)); sqrt(2 pi) as the original, or 1.702. */
  dplC: z.number().positive().default(DPL_ORIGINAL_C),
  /** NP-BTL context encoder: `linear` (real data) or `mlp` (synthetic). */
  pairEncoder: z.enum(['linear', 'mlp']).default('linear'),
  aggregation: z.enum(AGGREGATIONS).default('self-attention-sum'),
  numHeads: z.number().int().positive().default(8),
  attentionDropout: z.number().min(0).max(1).default(0.1),
  /**
   * NP-BTL: how z enters the reward head g. 'concat' (the paper): g([phi(e); z]), where z shifts
   * every option's hidden units alike, so it changes how two options compare only through which
   * ReLUs switch; 'film': g's hidden layer is also scaled per unit by (1 + gamma(z)) and shifted by
   * beta(z), so the comparison depends on z to first order (learns personalisation on text far
   * more reliably; see the results document).
   */
  conditioning: z.enum(['concat', 'film']).default('concat'),
  /** NP-BTL: `deterministic` (CNP, the paper's real-data runs) or `latent`. */
  variant: z.enum(['deterministic', 'latent']).default('deterministic'),
  /** Latent NP-BTL and VPL: weight of the KL term (default 0.005 for NP-BTL, 1 for VPL). */
  betaKl: z.number().min(0).optional(),
  /** Latent NP-BTL and VPL: z samples per task while training (the loss averages over them). */
  numSamples: z.number().int().positive().default(1),
  /** `target-context` (textbook) or `context-target` (the original code). */
  klDirection: z.enum(['target-context', 'context-target']).default('target-context'),
  /** VPL: size of z (default hiddenDim). */
  latentDim: z.number().int().positive().optional(),
  /** VPL: steps over which the KL weight ramps linearly from 0 to betaKl. */
  klAnnealSteps: z.number().int().min(0).default(0),
  /** One user's inferred representation is stored with the weights and the context is ignored (see freeze()). */
  frozenUser: z.boolean().default(false),
});

export type RewardModelConfig = z.input<typeof rewardModelConfigSchema>;
type ParsedRewardModelConfig = z.output<typeof rewardModelConfigSchema>;
export type ResolvedRewardModelConfig = Required<ParsedRewardModelConfig>;

/** Validates a model config (strictly: an unknown key is an error) and makes every default explicit. */
export function resolveRewardModelConfig(config: RewardModelConfig, source?: string): ResolvedRewardModelConfig {
  const parsed = parseConfig(rewardModelConfigSchema, config, { ...(source !== undefined ? { file: source } : {}) });
  return {
    ...parsed,
    batchNorm: parsed.batchNorm ?? parsed.kind !== 'np-btl',
    betaKl: parsed.betaKl ?? (parsed.kind === 'vpl' ? 1 : 0.005),
    latentDim: parsed.latentDim ?? parsed.hiddenDim,
  };
}
