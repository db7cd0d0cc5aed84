import type * as tf from '@tensorflow/tfjs';

// The contract for a fused Adam step, laid out as tfjs's kernel_names.ts: the name and its input
// and attribute types side by side. Core owns it because Adam is core's; backends that want the
// fast path (@steerable/gpu-kernels) register a kernel under this name, and Adam falls back to
// its composite of elementwise ops wherever none is registered.

/**
 * param, grad, m, v (same shape, float32) and an optional scalar gradScale (the global-norm clip
 * factor, kept as a tensor so the norm never has to be read back) -> [param', m', v'] with
 * PyTorch's rule in float32, every intermediate rounded as the composite's ops round it:
 *   g  = grad * gradScale (+ param * weightDecay when not decoupled)
 *   m' = m * beta1 + g * (1 - beta1);  v' = v * beta2 + (g * g) * (1 - beta2)
 *   param' = param - (m' / (sqrt(v' / biasCorrection2) + eps)) * (lr / biasCorrection1)
 *            (- param * (lr * weightDecay) when decoupled)
 */
export const AdamUpdate = 'SteerableAdamUpdate';

export type AdamUpdateInputs = { [name in 'param' | 'grad' | 'm' | 'v']: tf.TensorInfo } & { gradScale?: tf.TensorInfo };

export interface AdamUpdateAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 1 - beta1^t and 1 - beta2^t for the step t being taken. */
  biasCorrection1: number;
  biasCorrection2: number;
  weightDecay: number;
  decoupledWeightDecay: boolean;
}
