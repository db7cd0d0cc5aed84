import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import { PairEncoder, type PairEncoderKind, SPLIT_FIRST_LAYER_MIN_DIM } from '../src/index.js';

/** h on the concatenation [chosen; rejected], written from the encoder's own parameters. */
function concatenatedReference(encoder: PairEncoder, chosen: tf.Tensor, rejected: tf.Tensor): tf.Tensor {
  const p = new Map(encoder.namedParameters());
  const x = tf.concat([chosen, rejected], -1).reshape([-1, 2 * encoder.inputDim]);
  const out =
    encoder.kind === 'linear'
      ? tf.add(tf.matMul(x, p.get('net.weight')!), p.get('net.bias')!)
      : tf.add(
          tf.matMul(tf.relu(tf.add(tf.matMul(x, p.get('net.layers.0.weight')!), p.get('net.layers.0.bias')!)), p.get('net.layers.1.weight')!),
          p.get('net.layers.1.bias')!,
        );
  return out.reshape([...chosen.shape.slice(0, -1), encoder.hiddenDim]);
}

async function values(t: tf.Tensor): Promise<Float32Array> {
  return Float32Array.from(await t.data());
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('PairEncoder first layer on the two halves (no [chosen; rejected] concatenation)', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const kind of ['linear', 'mlp'] as PairEncoderKind[]) {
      it(`${kind} on ${backend}: values and every parameter gradient equal the concatenated form`, async () => {
        await initBackend({ backend });
        const d = SPLIT_FIRST_LAYER_MIN_DIM;
        const encoder = new PairEncoder(kind, d, 16, new Rng(4));
        const rng = new Rng(5);
        const chosen = tf.tensor(rng.fillNormal(new Float32Array(3 * 4 * d)), [3, 4, d]);
        const rejected = tf.tensor(rng.fillNormal(new Float32Array(3 * 4 * d)), [3, 4, d]);
        const weights = tf.tensor(rng.fillNormal(new Float32Array(3 * 4 * 16)), [3, 4, 16]);
        const params = encoder.trainableParameters();
        const variables = params.map(([, v]) => v);
        const run = (f: () => tf.Tensor) => tf.variableGrads(() => tf.sum(tf.mul(f(), weights)) as tf.Scalar, variables);
        const ours = run(() => encoder.forward(chosen, rejected));
        const reference = run(() => concatenatedReference(encoder, chosen, rejected));
        expect(encoder.forward(chosen, rejected).shape).toEqual([3, 4, 16]);
        expect(Math.abs((await values(ours.value))[0]! - (await values(reference.value))[0]!)).toBeLessThan(1e-3);
        for (const v of variables)
          expect(maxAbsDiff(await values(ours.grads[v.name]!), await values(reference.grads[v.name]!)), `${v.name}`).toBeLessThan(1e-4);
        tf.dispose([chosen, rejected, weights, ours.value, reference.value, ...Object.values(ours.grads), ...Object.values(reference.grads)]);
        encoder.dispose();
      });
    }
  }
});
