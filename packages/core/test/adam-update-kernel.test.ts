import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamUpdate, type AdamUpdateAttrs } from '../src/index.js';

interface CpuBackendData {
  data: { get(id: tf.DataId): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

interface Call {
  inputs: string[];
  attrs: AdamUpdateAttrs;
  gradScale: number | null;
}

/**
 * A stand-in kernel that records what Adam hands it and returns recognisable outputs
 * (param + 1, m + 2, v + 3), so the test sees which output lands in which variable.
 */
function registerRecordingKernel(calls: Call[]): void {
  tf.registerKernel({
    kernelName: AdamUpdate,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const cpu = backend as unknown as CpuBackendData;
      const values = (info: tf.TensorInfo) => cpu.data.get(info.dataId).values;
      calls.push({
        inputs: Object.keys(inputs).sort(),
        attrs: { ...attrs } as unknown as AdamUpdateAttrs,
        gradScale: inputs.gradScale ? values(inputs.gradScale)[0]! : null,
      });
      return (['param', 'm', 'v'] as const).map((name, i) => {
        const info = inputs[name]!;
        return cpu.makeTensorInfo(
          info.shape,
          'float32',
          values(info).map((x) => x + i + 1),
        );
      });
    },
  });
}

describe('Adam and the AdamUpdate kernel contract', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  afterEach(() => {
    if (tf.getKernel(AdamUpdate, 'cpu')) tf.unregisterKernel(AdamUpdate, 'cpu');
  });

  it('without a registered kernel, takes the composite', async () => {
    expect(tf.getKernel(AdamUpdate, 'cpu')).toBeUndefined();
    const param = tf.variable(tf.tensor([1, -2]));
    const adam = new Adam([['w', param]], { lr: 0.1, eps: 1e-8 });
    const grad = tf.tensor([0.5, -0.25]);
    adam.apply(new Map([['w', grad]]));
    // First step of Adam moves every coordinate by lr against the gradient's sign.
    expect(Array.from(await param.data())).toEqual([Math.fround(0.9), Math.fround(-1.9)]);
    tf.dispose([param, grad]);
    adam.dispose();
  });

  it('with one, hands it param/grad/m/v, the step attrs and the clip factor, and assigns its three outputs without leaks', async () => {
    const calls: Call[] = [];
    registerRecordingKernel(calls);
    const param = tf.variable(tf.tensor([3, 4]));
    const adam = new Adam([['w', param]], { lr: 0.1, eps: 1e-8, beta1: 0.8, beta2: 0.9, weightDecay: 0.01, decoupledWeightDecay: true, maxGradNorm: 2.5 });
    const grad = tf.tensor([3, 4]); // norm 5, so the clip factor is 2.5 / (5 + 1e-6)
    adam.apply(new Map([['w', grad]]));
    const tensors = tf.memory().numTensors;
    adam.apply(new Map([['w', grad]]));
    expect(tf.memory().numTensors).toBe(tensors);

    expect(calls).toHaveLength(2);
    expect(calls[1]!.inputs).toEqual(['grad', 'gradScale', 'm', 'param', 'v']);
    expect(calls[1]!.attrs).toEqual({
      lr: 0.1,
      beta1: 0.8,
      beta2: 0.9,
      eps: 1e-8,
      weightDecay: 0.01,
      decoupledWeightDecay: true,
      biasCorrection1: 1 - 0.8 ** 2,
      biasCorrection2: 1 - 0.9 ** 2,
    });
    expect(calls[1]!.gradScale).toBeCloseTo(0.5, 6);
    expect(Array.from(await param.data())).toEqual([5, 6]);
    const state = adam.stateDict();
    expect(Array.from(await state.tensors.get('w.exp_avg')!.data())).toEqual([4, 4]);
    expect(Array.from(await state.tensors.get('w.exp_avg_sq')!.data())).toEqual([6, 6]);
    tf.dispose([param, grad]);
    adam.dispose();
  });

  it('passes no clip factor when clipping is off', () => {
    const calls: Call[] = [];
    registerRecordingKernel(calls);
    const param = tf.variable(tf.tensor([1]));
    const adam = new Adam([['w', param]], { lr: 0.1, eps: 1e-8 });
    const grad = tf.tensor([1]);
    adam.apply(new Map([['w', grad]]));
    expect(calls[0]!.inputs).toEqual(['grad', 'm', 'param', 'v']);
    expect(calls[0]!.gradScale).toBeNull();
    tf.dispose([param, grad]);
    adam.dispose();
  });

  it('lrMultipliers: a parameter steps exactly as a separate Adam at lr * factor, the others at lr (composite)', async () => {
    const init = { a: [0.3, -1.2, 2], b: [1, -0.5] };
    const grads = [
      { a: [0.5, -0.25, 1], b: [2, 0.1] },
      { a: [-0.4, 0.3, 0.7], b: [-1, 0.6] },
      { a: [0.2, 0.9, -0.3], b: [0.5, -2] },
    ];
    const config = { lr: 0.05, eps: 1e-8, maxGradNorm: 1.5 };
    const a = tf.variable(tf.tensor(init.a));
    const b = tf.variable(tf.tensor(init.b));
    const grouped = new Adam(
      [
        ['a', a],
        ['b', b],
      ],
      { ...config, lrMultipliers: new Map([['b', 0.1]]) },
    );
    // The oracle: the same clip factor (it is global) and two optimizers at lr and lr * 0.1.
    const a2 = tf.variable(tf.tensor(init.a));
    const b2 = tf.variable(tf.tensor(init.b));
    const plainA = new Adam([['a', a2]], { lr: 0.05, eps: 1e-8 });
    const plainB = new Adam([['b', b2]], { lr: 0.005, eps: 1e-8 });
    for (const step of grads) {
      const ga = tf.tensor(step.a);
      const gb = tf.tensor(step.b);
      grouped.apply(
        new Map([
          ['a', ga],
          ['b', gb],
        ]),
      );
      const norm = Math.hypot(...step.a, ...step.b);
      const clip = Math.min(1, 1.5 / (norm + 1e-6));
      const [ca, cb] = [tf.mul(ga, clip), tf.mul(gb, clip)];
      plainA.apply(new Map([['a', ca]]));
      plainB.apply(new Map([['b', cb]]));
      tf.dispose([ga, gb, ca, cb]);
    }
    const close = (x: Float32Array | Int32Array | Uint8Array, y: Float32Array | Int32Array | Uint8Array) =>
      Array.from(x).every((v, i) => Math.abs(v - y[i]!) < 1e-6);
    expect(close(await a.data(), await a2.data())).toBe(true);
    expect(close(await b.data(), await b2.data())).toBe(true);
    // b moved, and by about a tenth of what it would at the full rate (first Adam steps move ~lr).
    const moved = Math.abs((await b.data())[0]! - init.b[0]!);
    expect(moved).toBeGreaterThan(0.005);
    expect(moved).toBeLessThan(0.02);
    tf.dispose([a, b, a2, b2]);
    [grouped, plainA, plainB].forEach((adam) => adam.dispose());
  });

  it('lrMultipliers: the kernel gets lr * factor for that parameter and lr for the others', () => {
    const calls: Call[] = [];
    registerRecordingKernel(calls);
    const a = tf.variable(tf.tensor([1]));
    const b = tf.variable(tf.tensor([1]));
    const adam = new Adam(
      [
        ['a', a],
        ['b', b],
      ],
      { lr: 0.2, eps: 1e-8, lrMultipliers: new Map([['b', 0.25]]) },
    );
    const grad = tf.tensor([1]);
    adam.apply(
      new Map([
        ['a', grad],
        ['b', grad],
      ]),
    );
    expect(calls.map((call) => call.attrs.lr)).toEqual([0.2, 0.05]);
    tf.dispose([a, b, grad]);
    adam.dispose();
  });

  it('lrMultipliers: a name that is no parameter, or a factor that is not positive, is refused', () => {
    const w = tf.variable(tf.tensor([1]));
    expect(() => new Adam([['w', w]], { lr: 0.1, eps: 1e-8, lrMultipliers: new Map([['encoder.x', 0.1]]) })).toThrow(/'encoder.x', which is not a parameter/);
    expect(() => new Adam([['w', w]], { lr: 0.1, eps: 1e-8, lrMultipliers: new Map([['w', 0]]) })).toThrow(/must be > 0/);
    w.dispose();
  });
});
