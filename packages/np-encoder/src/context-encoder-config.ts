import { SteerableError } from '@steerable/core';
import { AGGREGATIONS, type Aggregation } from './set-aggregator.js';
import type { PairEncoderKind } from './pair-encoder.js';

/** Which direction the latent variant's KL takes (see docs/method.md). */
export type KlDirection =
  /** Textbook NP: KL(q(z|C u T) || q(z|C)), z sampled from q(z|C u T) while training. */
  | 'target-context'
  /** The original code's: KL(q(z|C) || q(z|C u T)), z sampled from q(z|C). */
  | 'context-target';

export interface ContextEncoderConfig {
  /** `deterministic` (CNP: z = rho(s)) or `latent` (rho gives a Gaussian over z). */
  variant?: 'deterministic' | 'latent';
  inputDim: number;
  hiddenDim: number;
  /** `linear` (real data, default) or `mlp` (the paper's synthetic runs). */
  pairEncoder?: PairEncoderKind;
  aggregation?: Aggregation;
  numHeads?: number;
  attentionDropout?: number;
  klDirection?: KlDirection;
}

export type ResolvedContextEncoderConfig = Required<ContextEncoderConfig>;

export function resolveContextEncoderConfig(config: ContextEncoderConfig, field = 'encoder'): ResolvedContextEncoderConfig {
  const resolved: ResolvedContextEncoderConfig = {
    variant: config.variant ?? 'deterministic',
    inputDim: config.inputDim,
    hiddenDim: config.hiddenDim,
    pairEncoder: config.pairEncoder ?? 'linear',
    aggregation: config.aggregation ?? 'self-attention-sum',
    numHeads: config.numHeads ?? 8,
    attentionDropout: config.attentionDropout ?? 0.1,
    klDirection: config.klDirection ?? 'target-context',
  };
  positiveInteger(resolved.inputDim, `${field}.inputDim`);
  positiveInteger(resolved.hiddenDim, `${field}.hiddenDim`);
  positiveInteger(resolved.numHeads, `${field}.numHeads`);
  oneOf(resolved.variant, ['deterministic', 'latent'], `${field}.variant`);
  oneOf(resolved.pairEncoder, ['linear', 'mlp'], `${field}.pairEncoder`);
  oneOf(resolved.aggregation, AGGREGATIONS, `${field}.aggregation`);
  oneOf(resolved.klDirection, ['target-context', 'context-target'], `${field}.klDirection`);
  if (resolved.aggregation === 'self-attention-sum' && resolved.hiddenDim % resolved.numHeads !== 0) {
    throw new SteerableError('invalid-config', `hiddenDim ${resolved.hiddenDim} is not divisible by numHeads ${resolved.numHeads}`, {
      field: `${field}.numHeads`,
      hint: 'pick a head count that divides hiddenDim (the paper: 8 heads, H = 256)',
    });
  }
  if (!(resolved.attentionDropout >= 0 && resolved.attentionDropout < 1)) {
    throw new SteerableError('invalid-config', `attentionDropout must be in [0, 1), got ${resolved.attentionDropout}`, { field: `${field}.attentionDropout` });
  }
  return resolved;
}

export function positiveInteger(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new SteerableError('invalid-config', `must be a positive integer, got ${JSON.stringify(value)}`, {
      field,
      hint: `set ${field} to a whole number >= 1`,
    });
  }
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): void {
  if (!allowed.includes(value as T)) {
    throw new SteerableError('invalid-config', `unknown value ${JSON.stringify(value)}`, { field, hint: `use one of: ${allowed.join(', ')}` });
  }
}
