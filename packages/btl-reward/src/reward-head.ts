import * as tf from '@tensorflow/tfjs';
import { BatchNorm1d, Linear, Module, type Rng } from '@steerable/core';

/**
 * g: Linear(in, H) -> BatchNorm1d -> ReLU -> Linear(H, out, no bias). BatchNorm statistics are
 * taken over every option in the batch (all tasks, targets, chosen and rejected together).
 */
export class RewardHead extends Module {
  readonly hidden: Linear;
  readonly norm: BatchNorm1d | null;
  readonly out: Linear;

  constructor(inDim: number, hiddenDim: number, outDim: number, rng: Rng, options: { batchNorm: boolean }) {
    super();
    this.hidden = this.registerModule('hidden', new Linear(inDim, hiddenDim, rng));
    this.norm = options.batchNorm ? this.registerModule('norm', new BatchNorm1d(hiddenDim)) : null;
    this.out = this.registerModule('out', new Linear(hiddenDim, outDim, rng, { bias: false }));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let h = this.hidden.forward(x);
      if (this.norm) h = this.norm.forward(h);
      return this.out.forward(tf.relu(h));
    });
  }
}
