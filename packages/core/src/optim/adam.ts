import * as tf from '@tensorflow/tfjs';
import { SteerableError } from '../errors.js';
import { AdamUpdate, type AdamUpdateAttrs } from './adam-update-kernel.js';

export interface AdamConfig {
  lr: number;
  beta1?: number;
  beta2?: number;
  /** Always explicit: tfjs's default is backend-dependent (1e-4 on webgl, 1e-7 elsewhere). */
  eps: number;
  weightDecay?: number;
  /** true: AdamW (decoupled decay, p -= lr * wd * p); false: Adam with L2 added to the gradient (PyTorch's Adam). */
  decoupledWeightDecay?: boolean;
  /** Clip the global gradient L2 norm to this value before the update (off when undefined). */
  maxGradNorm?: number;
  /**
   * Per-parameter learning-rate factors by name (PyTorch's parameter groups): parameter `name`
   * steps with `lr * lrMultipliers.get(name)`, the rest with `lr`. A schedule that sets
   * `learningRate` scales every group alike.
   */
  lrMultipliers?: ReadonlyMap<string, number>;
}

export type ResolvedAdamConfig = Required<Omit<AdamConfig, 'maxGradNorm' | 'lrMultipliers'>> & { maxGradNorm: number | null };

interface Slot {
  m: tf.Variable;
  v: tf.Variable;
}

/**
 * Adam / AdamW with PyTorch's update rule:
 *   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2
 *   p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)
 * Parameters are addressed by name so the state can be checkpointed and restored exactly.
 */
export class Adam {
  readonly config: ResolvedAdamConfig;
  private readonly params: Map<string, tf.Variable>;
  private readonly lrMultipliers: ReadonlyMap<string, number>;
  private readonly slots = new Map<string, Slot>();
  private stepCount = 0;

  constructor(params: Iterable<[string, tf.Variable]>, config: AdamConfig) {
    if (!(config.lr > 0)) throw new SteerableError('invalid-config', `Adam lr must be > 0, got ${config.lr}`, { field: 'lr' });
    if (!(config.eps > 0)) throw new SteerableError('invalid-config', `Adam eps must be > 0, got ${config.eps}`, { field: 'eps' });
    this.config = {
      lr: config.lr,
      beta1: config.beta1 ?? 0.9,
      beta2: config.beta2 ?? 0.999,
      eps: config.eps,
      weightDecay: config.weightDecay ?? 0,
      decoupledWeightDecay: config.decoupledWeightDecay ?? false,
      maxGradNorm: config.maxGradNorm ?? null,
    };
    this.params = new Map(params);
    this.lrMultipliers = config.lrMultipliers ?? new Map();
    for (const [name, factor] of this.lrMultipliers) {
      if (!this.params.has(name))
        throw new SteerableError('invalid-config', `lrMultipliers names '${name}', which is not a parameter`, { field: 'lrMultipliers' });
      if (!(factor > 0)) throw new SteerableError('invalid-config', `lrMultipliers['${name}'] must be > 0, got ${factor}`, { field: 'lrMultipliers' });
    }
  }

  get step(): number {
    return this.stepCount;
  }

  get learningRate(): number {
    return this.config.lr;
  }

  set learningRate(lr: number) {
    this.config.lr = lr;
  }

  /**
   * Applies one update. `grads` maps parameter names to gradients; missing names are skipped.
   * Uses the fused `AdamUpdate` kernel when the active backend registers one (one kernel per
   * parameter instead of thirteen plus a scalar upload per constant), else the composite below,
   * which stays the definition the kernel is tested against.
   */
  apply(grads: Map<string, tf.Tensor>): void {
    this.stepCount += 1;
    const { lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay, maxGradNorm } = this.config;
    const t = this.stepCount;
    const attrs: AdamUpdateAttrs = {
      lr,
      beta1,
      beta2,
      eps,
      weightDecay,
      decoupledWeightDecay,
      biasCorrection1: 1 - beta1 ** t,
      biasCorrection2: 1 - beta2 ** t,
    };
    const fused = tf.getKernel(AdamUpdate, tf.getBackend()) !== undefined;
    tf.tidy(() => {
      let scale: tf.Scalar | null = null;
      if (maxGradNorm !== null) {
        const squares = [...grads.values()].map((g) => tf.sum(tf.mul(g, g)));
        const norm = tf.sqrt(tf.addN(squares));
        scale = tf.minimum(1, tf.div(maxGradNorm, tf.add(norm, 1e-6))) as tf.Scalar;
      }
      for (const [name, param] of this.params) {
        const g = grads.get(name);
        if (!g) continue;
        const slot = this.slotFor(name, param);
        const factor = this.lrMultipliers.get(name);
        const own = factor === undefined ? attrs : { ...attrs, lr: lr * factor };
        const [next, m, v] = fused ? fusedUpdate(param, g, slot, scale, own) : compositeUpdate(param, g, slot, scale, own);
        // assign drops the variable's old buffer and shares the new one; tidy releases the rest.
        slot.m.assign(m);
        slot.v.assign(v);
        param.assign(next);
      }
    });
  }

  /** Optimizer state as named tensors (`<param>.exp_avg`, `<param>.exp_avg_sq`) plus the step. */
  stateDict(): { step: number; tensors: Map<string, tf.Tensor> } {
    const tensors = new Map<string, tf.Tensor>();
    for (const [name, slot] of this.slots) {
      tensors.set(`${name}.exp_avg`, slot.m);
      tensors.set(`${name}.exp_avg_sq`, slot.v);
    }
    return { step: this.stepCount, tensors };
  }

  loadStateDict(state: { step: number; tensors: Map<string, tf.Tensor> }): void {
    for (const [key, tensor] of state.tensors) {
      const match = /^(.*)\.(exp_avg|exp_avg_sq)$/.exec(key);
      const param = match ? this.params.get(match[1]!) : undefined;
      if (!match || !param) {
        throw new SteerableError('state-dict-mismatch', `optimizer state has '${key}', which matches no parameter of this model`, {
          hint: 'resume with the same model configuration the checkpoint was written with',
        });
      }
      if (tensor.shape.join() !== param.shape.join()) {
        throw new SteerableError('state-dict-mismatch', `optimizer state '${key}' has shape [${tensor.shape}] but the parameter has [${param.shape}]`);
      }
      const slot = this.slotFor(match[1]!, param);
      (match[2] === 'exp_avg' ? slot.m : slot.v).assign(tensor);
    }
    this.stepCount = state.step;
  }

  dispose(): void {
    for (const slot of this.slots.values()) {
      slot.m.dispose();
      slot.v.dispose();
    }
    this.slots.clear();
  }

  private slotFor(name: string, param: tf.Variable): Slot {
    let slot = this.slots.get(name);
    if (!slot) {
      slot = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(param), false), v: tf.variable(tf.zerosLike(param), false) }));
      this.slots.set(name, slot);
    }
    return slot;
  }
}

type UpdatedTensors = [param: tf.Tensor, m: tf.Tensor, v: tf.Tensor];

function fusedUpdate(param: tf.Variable, grad: tf.Tensor, slot: Slot, scale: tf.Scalar | null, attrs: AdamUpdateAttrs): UpdatedTensors {
  const inputs: tf.NamedTensorMap = { param, grad, m: slot.m, v: slot.v, ...(scale ? { gradScale: scale } : {}) };
  return tf.engine().runKernel(AdamUpdate, inputs, { ...attrs }) as UpdatedTensors;
}

/** PyTorch's Adam as tfjs ops: the fallback and the oracle for every `AdamUpdate` kernel. */
function compositeUpdate(param: tf.Variable, grad: tf.Tensor, slot: Slot, scale: tf.Scalar | null, attrs: AdamUpdateAttrs): UpdatedTensors {
  const { lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay, biasCorrection1, biasCorrection2 } = attrs;
  let g = grad;
  if (scale) g = tf.mul(g, scale);
  if (weightDecay !== 0 && !decoupledWeightDecay) g = tf.add(g, tf.mul(param, weightDecay));
  const m = tf.add(tf.mul(slot.m, beta1), tf.mul(g, 1 - beta1));
  const v = tf.add(tf.mul(slot.v, beta2), tf.mul(tf.mul(g, g), 1 - beta2));
  const denom = tf.add(tf.sqrt(tf.div(v, biasCorrection2)), eps);
  let next = tf.sub(param, tf.mul(tf.div(m, denom), lr / biasCorrection1));
  if (weightDecay !== 0 && decoupledWeightDecay) next = tf.sub(next, tf.mul(param, lr * weightDecay));
  return [next, m, v];
}
