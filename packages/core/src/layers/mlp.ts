import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng.js';
import { Module, ModuleList } from './module.js';
import { Linear } from './linear.js';
import { type ActivationName, activation } from './activations.js';

export interface MlpOptions {
  activation?: ActivationName;
  /** Apply the activation after the last layer too (default false). */
  activateLast?: boolean;
  bias?: boolean;
}

/** Linear layers of the given widths with an activation between them: sizes [D, H, H] = 2 layers. */
export class Mlp extends Module {
  readonly layers: Linear[];
  private readonly activationName: ActivationName;
  private readonly activateLast: boolean;

  constructor(
    readonly sizes: readonly number[],
    rng: Rng,
    options: MlpOptions = {},
  ) {
    super();
    if (sizes.length < 2) throw new RangeError(`Mlp needs at least two sizes, got [${sizes.join(', ')}]`);
    this.activationName = options.activation ?? 'relu';
    this.activateLast = options.activateLast ?? false;
    const layers: Linear[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) layers.push(new Linear(sizes[i]!, sizes[i + 1]!, rng, { bias: options.bias ?? true }));
    this.layers = this.registerModule('layers', new ModuleList(layers)).items;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let h = x;
      this.layers.forEach((layer, i) => {
        h = layer.forward(h);
        if (i + 1 < this.layers.length || this.activateLast) h = activation(this.activationName, h);
      });
      return h;
    });
  }
}
