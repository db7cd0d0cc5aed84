import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng.js';
import { Module } from './module.js';
import { normalTensor } from './init.js';

/** A lookup table [num, dim]; initialised N(0, std) (GPT-2 uses 0.02, PyTorch's default is 1). */
export class Embedding extends Module {
  readonly weight: tf.Variable;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    rng: Rng,
    std = 1,
  ) {
    super();
    this.weight = this.registerParameter('weight', normalTensor([numEmbeddings, embeddingDim], std, rng));
  }

  forward(ids: tf.Tensor): tf.Tensor {
    return tf.gather(this.weight, ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32'));
  }
}
