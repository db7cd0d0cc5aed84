import { type AdamConfig, SteerableError } from '@steerable/core';

/** The optimizer section of a training config. */
export interface OptimizerConfig {
  kind?: 'adam' | 'adamw';
  lr?: number;
  eps?: number;
  betas?: [number, number];
  weightDecay?: number;
  maxGradNorm?: number | null;
}

export type ResolvedOptimizerConfig = Required<OptimizerConfig>;

/** The paper's: Adam, lr 1e-4, eps 3e-5, betas (0.9, 0.999), no weight decay. */
export const PAPER_OPTIMIZER: ResolvedOptimizerConfig = { kind: 'adam', lr: 1e-4, eps: 3e-5, betas: [0.9, 0.999], weightDecay: 0, maxGradNorm: null };

export function resolveOptimizerConfig(config: OptimizerConfig = {}): ResolvedOptimizerConfig {
  const resolved: ResolvedOptimizerConfig = {
    kind: config.kind ?? PAPER_OPTIMIZER.kind,
    lr: config.lr ?? PAPER_OPTIMIZER.lr,
    eps: config.eps ?? PAPER_OPTIMIZER.eps,
    betas: config.betas ?? PAPER_OPTIMIZER.betas,
    weightDecay: config.weightDecay ?? (config.kind === 'adamw' ? 0.01 : 0),
    maxGradNorm: config.maxGradNorm ?? null,
  };
  if (resolved.kind !== 'adam' && resolved.kind !== 'adamw') throw new SteerableError('invalid-config', `unknown optimizer ${JSON.stringify(resolved.kind)}`, { field: 'optimizer.kind', hint: 'adam or adamw' });
  if (!(resolved.lr > 0)) throw new SteerableError('invalid-config', `must be > 0, got ${resolved.lr}`, { field: 'optimizer.lr' });
  if (!(resolved.eps > 0)) throw new SteerableError('invalid-config', `must be > 0, got ${resolved.eps}`, { field: 'optimizer.eps' });
  if (!Array.isArray(resolved.betas) || resolved.betas.length !== 2 || resolved.betas.some((b) => !(b >= 0 && b < 1))) {
    throw new SteerableError('invalid-config', `must be two numbers in [0, 1), got ${JSON.stringify(resolved.betas)}`, { field: 'optimizer.betas', hint: 'e.g. [0.9, 0.999]' });
  }
  if (!(resolved.weightDecay >= 0)) throw new SteerableError('invalid-config', `must be >= 0, got ${resolved.weightDecay}`, { field: 'optimizer.weightDecay' });
  return resolved;
}

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
