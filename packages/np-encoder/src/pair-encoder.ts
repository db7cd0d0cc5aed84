import * as tf from '@tensorflow/tfjs';
import { Linear, Mlp, Module, type Rng } from '@steerable/core';

export type PairEncoderKind = 'linear' | 'mlp';

/**
 * h([e(chosen); e(rejected)]): one vector per context pair, order-sensitive (chosen first).
 * `linear` is Linear(2D, H) (the paper's real-data encoder), `mlp` is Linear-ReLU-Linear
 * (its synthetic one). Input [B, k, D] twice, output [B, k, H].
 */
export class PairEncoder extends Module {
  private readonly net: Linear | Mlp;

  constructor(readonly kind: PairEncoderKind, readonly inputDim: number, readonly hiddenDim: number, rng: Rng) {
    super();
    this.net = this.registerModule('net', kind === 'linear' ? new Linear(2 * inputDim, hiddenDim, rng) : new Mlp([2 * inputDim, hiddenDim, hiddenDim], rng));
  }

  forward(chosen: tf.Tensor, rejected: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.net.forward(tf.concat([chosen, rejected], -1)));
  }
}
