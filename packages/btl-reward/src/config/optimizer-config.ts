import { z } from 'zod';
import { type AdamConfig, parseConfig } from '@steerable/core';

/** The optimizer section of a training config. */
export const optimizerConfigSchema = z.strictObject({
  kind: z.enum(['adam', 'adamw']).default('adam'),
  lr: z.number().positive().default(1e-4),
  eps: z.number().positive().default(3e-5),
  /** (beta1, beta2), each in [0, 1). */
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]),
  /** Default 0 for adam, 0.01 for adamw (decoupled). */
  weightDecay: z.number().min(0).optional(),
  /** Clip the global gradient norm to this before each update (null: no clipping). */
  maxGradNorm: z.number().positive().nullable().default(null),
});

export type OptimizerConfig = z.input<typeof optimizerConfigSchema>;
export type ResolvedOptimizerConfig = Required<z.output<typeof optimizerConfigSchema>>;

/** The paper's: Adam, lr 1e-4, eps 3e-5, betas (0.9, 0.999), no weight decay, no clipping. */
export const PAPER_OPTIMIZER: ResolvedOptimizerConfig = Object.freeze({
  kind: 'adam',
  lr: 1e-4,
  eps: 3e-5,
  betas: [0.9, 0.999],
  weightDecay: 0,
  maxGradNorm: null,
}) as ResolvedOptimizerConfig;

export function resolveOptimizerConfig(config: OptimizerConfig = {}, fieldPrefix = 'optimizer'): ResolvedOptimizerConfig {
  const parsed = parseConfig(optimizerConfigSchema, config, { fieldPrefix });
  return { ...parsed, weightDecay: parsed.weightDecay ?? (parsed.kind === 'adamw' ? 0.01 : 0) };
}

/** The settings core's Adam takes: every field of the resolved config reaches it. */
export function toAdamConfig(config: ResolvedOptimizerConfig): AdamConfig {
  return {
    lr: config.lr,
    eps: config.eps,
    beta1: config.betas[0],
    beta2: config.betas[1],
    weightDecay: config.weightDecay,
    decoupledWeightDecay: config.kind === 'adamw',
    ...(config.maxGradNorm !== null ? { maxGradNorm: config.maxGradNorm } : {}),
  };
}
