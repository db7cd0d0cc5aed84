import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { BatchNorm1d, LayerNorm, Linear, Mlp, MultiHeadAttention, Rng } from '../src/index.js';
import { checkGradients } from '../src/testing/index.js';
import { maxParameterGradientError, projectToScalar } from './parameter-gradient-check.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const TOLERANCE = 2e-2;

function randomInput(shape: number[], seed: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(new Rng(seed).fillNormal(new Float32Array(size)), shape);
}

describe('finite-difference gradient checks of the core layers', () => {
  it('Linear (input and parameters)', async () => {
    const layer = new Linear(5, 3, new Rng(1));
    const x = randomInput([4, 5], 2);
    expect((await checkGradients((input) => projectToScalar(layer.forward(input), 3), [x])).maxRelativeError).toBeLessThan(TOLERANCE);
    expect(await maxParameterGradientError(layer, () => projectToScalar(layer.forward(x), 3))).toBeLessThan(TOLERANCE);
  });

  it('Mlp with ReLU (input and parameters)', async () => {
    const mlp = new Mlp([4, 6, 3], new Rng(4));
    const x = randomInput([5, 4], 5);
    // A small epsilon keeps the perturbation from crossing ReLU kinks.
    expect((await checkGradients((input) => projectToScalar(mlp.forward(input), 6), [x], { epsilon: 1e-3 })).maxRelativeError).toBeLessThan(TOLERANCE);
    // Perturbing a first-layer bias moves every pre-activation of that unit, so kinks get crossed:
    // check the parameter gradients through a smooth activation instead.
    const smooth = new Mlp([4, 6, 3], new Rng(4), { activation: 'tanh' });
    expect(await maxParameterGradientError(smooth, () => projectToScalar(smooth.forward(x), 6))).toBeLessThan(TOLERANCE);
  });

  it('BatchNorm1d in training mode (batch statistics) and eval mode', async () => {
    const bn = new BatchNorm1d(3);
    bn.weight.assign(tf.tensor([1.5, -0.5, 2]));
    bn.bias.assign(tf.tensor([0.1, 0.2, -0.3]));
    const x = randomInput([6, 3], 7);
    expect((await checkGradients((input) => projectToScalar(bn.forward(input), 8), [x], { epsilon: 1e-3 })).maxRelativeError).toBeLessThan(TOLERANCE);
    expect(await maxParameterGradientError(bn, () => projectToScalar(bn.forward(x), 8), { epsilon: 1e-3 })).toBeLessThan(TOLERANCE);
    bn.eval();
    expect((await checkGradients((input) => projectToScalar(bn.forward(input), 8), [x])).maxRelativeError).toBeLessThan(TOLERANCE);
  });

  it('LayerNorm (input and parameters)', async () => {
    const ln = new LayerNorm(4);
    ln.weight.assign(tf.tensor([1, 2, -1, 0.5]));
    const x = randomInput([3, 4], 9);
    expect((await checkGradients((input) => projectToScalar(ln.forward(input), 10), [x], { epsilon: 1e-3 })).maxRelativeError).toBeLessThan(TOLERANCE);
    expect(await maxParameterGradientError(ln, () => projectToScalar(ln.forward(x), 10), { epsilon: 1e-3 })).toBeLessThan(TOLERANCE);
  });

  it('MultiHeadAttention with a key padding mask (input and parameters)', async () => {
    const mha = new MultiHeadAttention(8, 2, new Rng(11), { dropout: 0.1 }).eval();
    const x = randomInput([2, 3, 8], 12);
    const mask = tf.tensor([
      [0, 0, 1],
      [0, 0, 0],
    ]);
    const f = (input: tf.Tensor): tf.Scalar => projectToScalar(mha.forward(input, { keyPaddingMask: mask }), 13);
    expect((await checkGradients(f, [x], { epsilon: 1e-3, maxCoordinates: 48 })).maxRelativeError).toBeLessThan(TOLERANCE);
    expect(await maxParameterGradientError(mha, () => f(x), { epsilon: 1e-3 })).toBeLessThan(TOLERANCE);
  });
});
