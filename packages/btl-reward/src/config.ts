import { SteerableError } from '@steerable/core';
import { AGGREGATIONS, type Aggregation, type KlDirection, type PairEncoderKind } from '@steerable/np-encoder';

export const REWARD_MODEL_KINDS = ['btl', 'dpl', 'np-btl', 'vpl'] as const;
export type RewardModelKind = (typeof REWARD_MODEL_KINDS)[number];

/** sqrt(2 pi): the DPL constant of the original code. 1.702 is the standard probit approximation. */
export const DPL_ORIGINAL_C = Math.sqrt(2 * Math.PI);

/**
 * A reward model as plain JSON, so a checkpoint's manifest can rebuild it. Fields that a kind
 * does not use are ignored by that kind but still written out resolved (every default explicit).
 */
export interface RewardModelConfig {
  kind: RewardModelKind;
  /** D: embedding size of one option (1 for the synthetic data, 4096 for Llama-3-8B states). */
  inputDim: number;
  /** H (the paper: 256). */
  hiddenDim?: number;
  /** Seeds the initialisation. */
  initSeed?: number;
  /**
   * BatchNorm in the reward head g. The paper has it everywhere; the default keeps it for BTL and
   * DPL but not for NP-BTL, where every k = 0 batch shares one z that training-mode BatchNorm
   * subtracts away, so the learned prior gets no gradient and few-shot accuracy swings by up to 10
   * points between nearby steps (results/synthetic-training-curves.txt). `true` reproduces the paper.
   */
  batchNorm?: boolean;
  /** DPL: p(a > b) = sigmoid(c (mu_a - mu_b) / sqrt(s_a^2 + s_b^2)). */
  dplC?: number;
  /** NP-BTL context encoder. */
  pairEncoder?: PairEncoderKind;
  aggregation?: Aggregation;
  numHeads?: number;
  attentionDropout?: number;
  /** NP-BTL: `deterministic` (CNP, the paper's real-data runs) or `latent`. */
  variant?: 'deterministic' | 'latent';
  /** Latent NP-BTL and VPL: weight of the KL term. */
  betaKl?: number;
  /** Latent NP-BTL and VPL: z samples per task while training (the loss averages over them). */
  numSamples?: number;
  klDirection?: KlDirection;
  /** VPL: size of z, and the number of steps over which the KL weight ramps linearly from 0 to betaKl. */
  latentDim?: number;
  klAnnealSteps?: number;
}

export type ResolvedRewardModelConfig = Required<RewardModelConfig>;

export function resolveRewardModelConfig(config: RewardModelConfig, source?: string): ResolvedRewardModelConfig {
  const where = source !== undefined ? { file: source } : {};
  if (!REWARD_MODEL_KINDS.includes(config.kind)) {
    throw new SteerableError('invalid-config', `unknown reward model kind ${JSON.stringify(config.kind)}`, { ...where, field: 'kind', hint: `use one of: ${REWARD_MODEL_KINDS.join(', ')}` });
  }
  const hiddenDim = config.hiddenDim ?? 256;
  const resolved: ResolvedRewardModelConfig = {
    kind: config.kind,
    inputDim: config.inputDim,
    hiddenDim,
    initSeed: config.initSeed ?? 0,
    batchNorm: config.batchNorm ?? config.kind !== 'np-btl',
    dplC: config.dplC ?? DPL_ORIGINAL_C,
    pairEncoder: config.pairEncoder ?? 'linear',
    aggregation: config.aggregation ?? 'self-attention-sum',
    numHeads: config.numHeads ?? 8,
    attentionDropout: config.attentionDropout ?? 0.1,
    variant: config.variant ?? 'deterministic',
    betaKl: config.betaKl ?? (config.kind === 'vpl' ? 1 : 0.005),
    numSamples: config.numSamples ?? 1,
    klDirection: config.klDirection ?? 'target-context',
    latentDim: config.latentDim ?? hiddenDim,
    klAnnealSteps: config.klAnnealSteps ?? 0,
  };
  for (const field of ['inputDim', 'hiddenDim', 'numHeads', 'numSamples', 'latentDim'] as const) {
    const v = resolved[field];
    if (!Number.isInteger(v) || v < 1) throw new SteerableError('invalid-config', `must be a positive integer, got ${JSON.stringify(v)}`, { ...where, field, hint: `set ${field} to a whole number >= 1` });
  }
  if (!Number.isInteger(resolved.klAnnealSteps) || resolved.klAnnealSteps < 0) throw new SteerableError('invalid-config', `must be an integer >= 0, got ${resolved.klAnnealSteps}`, { ...where, field: 'klAnnealSteps' });
  if (!(resolved.dplC > 0)) throw new SteerableError('invalid-config', `must be > 0, got ${resolved.dplC}`, { ...where, field: 'dplC', hint: 'sqrt(2 pi) as the original, or 1.702 (probit approximation)' });
  if (!(resolved.betaKl >= 0)) throw new SteerableError('invalid-config', `must be >= 0, got ${resolved.betaKl}`, { ...where, field: 'betaKl' });
  if (!AGGREGATIONS.includes(resolved.aggregation)) throw new SteerableError('invalid-config', `unknown aggregation ${JSON.stringify(resolved.aggregation)}`, { ...where, field: 'aggregation', hint: `use one of: ${AGGREGATIONS.join(', ')}` });
  if (!['deterministic', 'latent'].includes(resolved.variant)) throw new SteerableError('invalid-config', `unknown variant ${JSON.stringify(resolved.variant)}`, { ...where, field: 'variant', hint: 'deterministic or latent' });
  if (!['linear', 'mlp'].includes(resolved.pairEncoder)) throw new SteerableError('invalid-config', `unknown pair encoder ${JSON.stringify(resolved.pairEncoder)}`, { ...where, field: 'pairEncoder', hint: 'linear (real data) or mlp (synthetic)' });
  if (!['target-context', 'context-target'].includes(resolved.klDirection)) throw new SteerableError('invalid-config', `unknown KL direction ${JSON.stringify(resolved.klDirection)}`, { ...where, field: 'klDirection', hint: 'target-context (textbook) or context-target (the original code)' });
  return resolved;
}
