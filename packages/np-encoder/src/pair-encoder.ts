import * as tf from '@tensorflow/tfjs';
import { Linear, Mlp, Module, type Rng } from '@steerable/core';

export type PairEncoderKind = 'linear' | 'mlp';

/**
 * From this embedding size up, the first layer runs on chosen and rejected separately instead
 * of on their concatenation: [e_c; e_r] W = e_c W_c + e_r W_r (W_c, W_r the two row blocks of the
 * same [2D, H] weight), so the [B, k, 2D] concatenation (5 M floats at D = 4096) is never written.
 * Below it the concatenation is a few values per pair and one matmul beats two.
 */
export const SPLIT_FIRST_LAYER_MIN_DIM = 64;

/**
 * h([e(chosen); e(rejected)]): one vector per context pair, order-sensitive (chosen first).
 * `linear` is Linear(2D, H) (the paper's real-data encoder), `mlp` is Linear-ReLU-Linear
 * (its synthetic one). Input [B, k, D] twice, output [B, k, H].
 */
export class PairEncoder extends Module {
  private readonly net: Linear | Mlp;

  constructor(
    readonly kind: PairEncoderKind,
    readonly inputDim: number,
    readonly hiddenDim: number,
    rng: Rng,
  ) {
    super();
    this.net = this.registerModule('net', kind === 'linear' ? new Linear(2 * inputDim, hiddenDim, rng) : new Mlp([2 * inputDim, hiddenDim, hiddenDim], rng));
  }

  forward(chosen: tf.Tensor, rejected: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      if (this.inputDim < SPLIT_FIRST_LAYER_MIN_DIM) return this.net.forward(tf.concat([chosen, rejected], -1));
      const layers = this.net instanceof Linear ? [this.net] : this.net.layers;
      // Mlp's default activation (ReLU) between layers, none after the last.
      let h = firstLayerOnHalves(layers[0]!, chosen, rejected);
      for (const layer of layers.slice(1)) h = layer.forward(tf.relu(h));
      return h;
    });
  }
}

/** Linear(2D, H) on [chosen; rejected] without the concatenation, [..., D] twice -> [..., H]. */
function firstLayerOnHalves(layer: Linear, chosen: tf.Tensor, rejected: tf.Tensor): tf.Tensor {
  const d = chosen.shape.at(-1)!;
  const lead = chosen.shape.slice(0, -1);
  const [wChosen, wRejected] = tf.split(layer.weight, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
  let y = tf.add(tf.matMul(chosen.reshape([-1, d]) as tf.Tensor2D, wChosen), tf.matMul(rejected.reshape([-1, d]) as tf.Tensor2D, wRejected));
  if (layer.bias) y = tf.add(y, layer.bias);
  return y.reshape([...lead, layer.outFeatures]);
}
