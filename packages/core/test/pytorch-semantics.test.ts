import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { BatchNorm1d, Linear, MultiHeadAttention, Rng } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('Linear init follows nn.Linear', () => {
  it('weights and biases lie in U(-1/sqrt(fan_in), 1/sqrt(fan_in)) and fill that range', async () => {
    const fanIn = 64;
    const layer = new Linear(fanIn, 128, new Rng(0));
    const bound = 1 / Math.sqrt(fanIn); // 0.125
    for (const t of [layer.weight, layer.bias!]) {
      const v = await values(t);
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
      // With 8192 (resp. 128) uniform draws the extremes come within a few percent of the bound.
      expect(Math.max(...v)).toBeGreaterThan(0.9 * bound);
      expect(Math.min(...v)).toBeLessThan(-0.9 * bound);
    }
    // Variance of U(-a, a) is a^2 / 3.
    const w = await values(layer.weight);
    const variance = w.reduce((s, x) => s + x * x, 0) / w.length;
    expect(variance).toBeCloseTo(bound ** 2 / 3, 3);
  });

  it("MultiHeadAttention's packed in-projection is Xavier-uniform over fan_in E, fan_out 3E, biases zero", async () => {
    const e = 32;
    const mha = new MultiHeadAttention(e, 8, new Rng(1));
    const bound = Math.sqrt(6 / (e + 3 * e));
    const w = await values(mha.inProjWeight);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    expect((await values(mha.inProjBias)).every((v) => v === 0)).toBe(true);
    expect((await values(mha.outProj.bias!)).every((v) => v === 0)).toBe(true);
    const outBound = 1 / Math.sqrt(e);
    expect(Math.max(...(await values(mha.outProj.weight)).map(Math.abs))).toBeLessThanOrEqual(outBound);
    expect(mha.namedParameters().map(([n]) => n)).toEqual(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
  });
});

describe('BatchNorm1d follows nn.BatchNorm1d', () => {
  it('updates running statistics with momentum 0.1 and the unbiased batch variance', async () => {
    const bn = new BatchNorm1d(2);
    // Channel 0: values 1, 2, 3, 6 -> mean 3, squared deviations 4+1+0+9 = 14,
    // biased var 14/4 = 3.5, unbiased 14/3.
    // Channel 1: values 0, 0, 4, 4 -> mean 2, deviations 4+4+4+4 = 16, biased 4, unbiased 16/3.
    const x = tf.tensor([
      [1, 0],
      [2, 0],
      [3, 4],
      [6, 4],
    ]);
    const y = bn.forward(x);
    const runningMean = await values(bn.runningMean);
    const runningVar = await values(bn.runningVar);
    expect(runningMean[0]).toBeCloseTo(0.9 * 0 + 0.1 * 3, 6);
    expect(runningMean[1]).toBeCloseTo(0.1 * 2, 6);
    expect(runningVar[0]).toBeCloseTo(0.9 * 1 + 0.1 * (14 / 3), 6);
    expect(runningVar[1]).toBeCloseTo(0.9 * 1 + 0.1 * (16 / 3), 6);
    expect((await bn.numBatchesTracked.data())[0]).toBe(1);
    // The output is normalised with the biased variance and eps 1e-5.
    const out = await values(y);
    expect(out[0]).toBeCloseTo((1 - 3) / Math.sqrt(3.5 + 1e-5), 5);
    expect(out[7]).toBeCloseTo((4 - 2) / Math.sqrt(4 + 1e-5), 5);

    // A second step compounds: running = 0.9 * running + 0.1 * batch.
    bn.forward(
      tf.tensor([
        [0, 1],
        [2, 3],
      ]),
    ); // ch0 mean 1, unbiased var 2; ch1 mean 2, unbiased var 2
    expect((await values(bn.runningMean))[0]).toBeCloseTo(0.9 * 0.3 + 0.1 * 1, 6);
    expect((await values(bn.runningVar))[1]).toBeCloseTo(0.9 * (0.9 + 0.1 * (16 / 3)) + 0.1 * 2, 6);

    // Eval mode uses the running statistics and leaves them alone.
    bn.eval();
    const meanBefore = await values(bn.runningMean);
    const evalOut = await values(bn.forward(tf.tensor([[1, 1]])));
    const rv = await values(bn.runningVar);
    expect(evalOut[0]).toBeCloseTo((1 - meanBefore[0]!) / Math.sqrt(rv[0]! + 1e-5), 5);
    expect(await values(bn.runningMean)).toEqual(meanBefore);
  });
});

describe('MultiHeadAttention computes softmax(QK^T / sqrt(d)) V per head', () => {
  it('matches a scalar reference implementation, including the key padding mask', async () => {
    const e = 4;
    const heads = 2;
    const mha = new MultiHeadAttention(e, heads, new Rng(3)).eval();
    mha.inProjBias.assign(tf.tensor(Array.from({ length: 3 * e }, (_, i) => 0.01 * i)));
    mha.outProj.bias!.assign(tf.tensor([0.1, -0.1, 0.2, 0]));
    const rng = new Rng(4);
    const x = Array.from({ length: 3 }, () => Array.from({ length: e }, () => rng.normal()));
    const mask = [0, 1, 0]; // position 1 is padding
    const out = await values(mha.forward(tf.tensor([x]), { keyPaddingMask: tf.tensor([mask]) }));

    const w = await values(mha.inProjWeight); // [E, 3E] row-major
    const b = await values(mha.inProjBias);
    const wo = await values(mha.outProj.weight);
    const bo = await values(mha.outProj.bias!);
    const proj = (row: number[], block: number): number[] =>
      Array.from({ length: e }, (_, j) => row.reduce((s, xi, i) => s + xi * w[i * 3 * e + block * e + j]!, b[block * e + j]!));
    const q = x.map((r) => proj(r, 0));
    const k = x.map((r) => proj(r, 1));
    const v = x.map((r) => proj(r, 2));
    const d = e / heads;
    for (let t = 0; t < 3; t++) {
      const concat: number[] = [];
      for (let h = 0; h < heads; h++) {
        const scores = k.map((kr, s) =>
          mask[s] ? -Infinity : q[t]!.slice(h * d, h * d + d).reduce((acc, qv, j) => acc + qv * kr[h * d + j]!, 0) / Math.sqrt(d),
        );
        const max = Math.max(...scores);
        const exps = scores.map((sc) => Math.exp(sc - max));
        const z = exps.reduce((a, c) => a + c, 0);
        for (let j = 0; j < d; j++) concat.push(exps.reduce((acc, p, s) => acc + (p / z) * v[s]![h * d + j]!, 0));
      }
      for (let j = 0; j < e; j++) {
        const expected = concat.reduce((acc, c, i) => acc + c * wo[i * e + j]!, bo[j]!);
        expect(out[t * e + j]).toBeCloseTo(expected, 4);
      }
    }
  });

  it('drops attention weights only in training mode, reproducibly from the rng', async () => {
    const mha = new MultiHeadAttention(8, 2, new Rng(5), { dropout: 0.5 });
    const x = tf.tensor(new Rng(6).fillNormal(new Float32Array(2 * 4 * 8)), [2, 4, 8]);
    const a = await values(mha.forward(x, { rng: new Rng(7) }));
    const b = await values(mha.forward(x, { rng: new Rng(7) }));
    const c = await values(mha.forward(x, { rng: new Rng(8) }));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    mha.eval();
    expect(await values(mha.forward(x))).toEqual(await values(mha.forward(x)));
    expect(() => mha.train().forward(x)).toThrow(/needs an rng/);
  });
});

describe('Rng state round trip (regression: sfc32 XOR produced signed words that setState rejected)', () => {
  it('state() is always four uint32 words that setState() and fork() accept, continuing the same stream', async () => {
    const { Rng: R } = await import('../src/index.js');
    const rng = new R(4);
    for (let i = 0; i < 1000; i++) {
      rng.nextUint32();
      const state = rng.state();
      expect(state.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff)).toBe(true);
    }
    const copy = R.fromState(rng.state());
    expect(Array.from({ length: 5 }, () => copy.nextUint32())).toEqual(Array.from({ length: 5 }, () => rng.nextUint32()));
    for (let i = 0; i < 200; i++) expect(() => rng.fork()).not.toThrow();
  });
});
