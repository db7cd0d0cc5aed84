import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng.js';
import { Module } from './module.js';
import { pytorchLinearBound, uniformTensor } from './init.js';

export interface LinearOptions {
  bias?: boolean;
  /**
   * `pytorch` (default): weight and bias U(+-1/sqrt(fan_in)) as nn.Linear. `zeros`: both zero
   * (identity-at-init adapters such as LoRA's B and FiLM's maps).
   */
  init?: 'pytorch' | 'zeros';
}

/**
 * y = x W + b. The weight is stored [in, out] (tfjs's matMul layout; PyTorch's nn.Linear keeps
 * [out, in] and a state-dict converter must transpose). Accepts any leading batch shape.
 */
export class Linear extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    rng: Rng,
    options: LinearOptions = {},
  ) {
    super();
    const bound = pytorchLinearBound(inFeatures);
    const zeros = options.init === 'zeros';
    this.weight = this.registerParameter('weight', zeros ? tf.zeros([inFeatures, outFeatures]) : uniformTensor([inFeatures, outFeatures], -bound, bound, rng));
    this.bias =
      options.bias === false ? null : this.registerParameter('bias', zeros ? tf.zeros([outFeatures]) : uniformTensor([outFeatures], -bound, bound, rng));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const flat = x.rank === 2 ? (x as tf.Tensor2D) : (x.reshape([-1, this.inFeatures]) as tf.Tensor2D);
      let y: tf.Tensor = tf.matMul(flat, this.weight as tf.Tensor2D);
      if (this.bias) y = tf.add(y, this.bias);
      return x.rank === 2 ? y : y.reshape([...lead, this.outFeatures]);
    });
  }
}
