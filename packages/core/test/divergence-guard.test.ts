import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Adam, DivergenceError, DivergenceGuard, type DivergencePolicy, disposeGradients, Linear, Module, Rng, valueAndGradients } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

class TinyModel extends Module {
  readonly hidden: Linear;
  readonly out: Linear;

  constructor(rng: Rng) {
    super();
    this.hidden = this.registerModule('hidden', new Linear(4, 3, rng));
    this.out = this.registerModule('out', new Linear(3, 1, rng));
  }

  loss(step: number): tf.Scalar {
    return tf.tidy(() => {
      const rng = new Rng(1000 + step);
      const x = tf.tensor2d(rng.fillNormal(new Float32Array(8 * 4), 0, 1), [8, 4]);
      const y = tf.tensor2d(rng.fillNormal(new Float32Array(8), 0, 1), [8, 1]);
      return tf.mean(tf.square(tf.sub(this.out.forward(tf.relu(this.hidden.forward(x))), y))) as tf.Scalar;
    });
  }
}

interface Snapshot {
  weights: Record<string, number[]>;
  moments: Record<string, number[]>;
  adamStep: number;
}

async function snapshot(model: TinyModel, adam: Adam): Promise<Snapshot> {
  const weights: Record<string, number[]> = {};
  for (const [name, v] of model.namedParameters()) weights[name] = Array.from(await v.data());
  const moments: Record<string, number[]> = {};
  const state = adam.stateDict();
  for (const [name, t] of state.tensors) moments[name] = Array.from(await t.data());
  return { weights, moments, adamStep: state.step };
}

/** Replaces one gradient with a copy holding `value` at index 1. */
function poison(grads: Map<string, tf.Tensor>, name: string, value: number): void {
  const g = grads.get(name)!;
  const values = g.dataSync().slice();
  values[1] = value;
  grads.set(name, tf.tensor(values, g.shape));
  g.dispose();
}

/**
 * Trains `steps` steps of the tiny model with core's Adam and the guard; `skipSteps` are not run
 * at all (the reference for what 'skip' must equal); `poisonAt` injects a non-finite gradient.
 */
async function train(options: {
  steps: number;
  policy?: DivergencePolicy;
  poisonAt?: number;
  poisonValue?: number;
  omit?: number[];
  onStep?: (step: number, model: TinyModel, adam: Adam) => Promise<void>;
}) {
  const model = new TinyModel(new Rng(7));
  const params = model.namedParameters();
  const adam = new Adam(params, { lr: 0.05, eps: 1e-8 });
  const guard = new DivergenceGuard({ policy: options.policy ?? 'stop' });
  const losses: number[] = [];
  try {
    for (let step = 1; step <= options.steps; step++) {
      if (options.omit?.includes(step)) continue;
      const { value, grads } = valueAndGradients(() => model.loss(step), params);
      if (step === options.poisonAt) poison(grads, 'hidden.weight', options.poisonValue ?? Number.NaN);
      try {
        const result = await guard.check(step, value, grads);
        if (result.action === 'apply') adam.apply(grads);
        losses.push(result.loss);
      } finally {
        value.dispose();
        disposeGradients(grads);
      }
      await options.onStep?.(step, model, adam);
    }
    return { final: await snapshot(model, adam), losses, guard };
  } finally {
    adam.dispose();
    model.dispose();
  }
}

describe('DivergenceGuard', () => {
  it("'stop': throws at the poisoned step naming step and tensor, before the weights or Adam moments change", async () => {
    let beforePoison: Snapshot | null = null;
    let afterThrow: Snapshot | null = null;
    const model = new TinyModel(new Rng(7));
    const params = model.namedParameters();
    const adam = new Adam(params, { lr: 0.05, eps: 1e-8 });
    const guard = new DivergenceGuard();
    let error: unknown;
    for (let step = 1; step <= 5 && error === undefined; step++) {
      if (step === 3) beforePoison = await snapshot(model, adam);
      const { value, grads } = valueAndGradients(() => model.loss(step), params);
      if (step === 3) poison(grads, 'hidden.weight', Number.NaN);
      try {
        const result = await guard.check(step, value, grads);
        if (result.action === 'apply') adam.apply(grads);
      } catch (e) {
        error = e;
      } finally {
        value.dispose();
        disposeGradients(grads);
      }
    }
    afterThrow = await snapshot(model, adam);
    adam.dispose();
    model.dispose();
    expect(error).toBeInstanceOf(DivergenceError);
    const divergence = error as DivergenceError;
    expect(divergence.code).toBe('non-finite-gradient');
    expect(divergence.step).toBe(3);
    expect(divergence.tensor).toBe('hidden.weight');
    expect(divergence.field).toBe('hidden.weight');
    expect(divergence.message).toMatch(/step 3: the gradient of 'hidden.weight' is NaN; training stopped before applying the update/);
    expect(divergence.message).toMatch(/\n {2}fix: lower the learning rate/);
    expect(beforePoison!.adamStep).toBe(2);
    expect(afterThrow).toEqual(beforePoison);
  });

  it("'skip': the poisoned step changes nothing, the others train as if it had not been run (bit-equal)", async () => {
    const trace: Snapshot[] = [];
    const skipped = await train({ steps: 6, policy: 'skip', poisonAt: 3, onStep: async (_, model, adam) => void trace.push(await snapshot(model, adam)) });
    const reference = await train({ steps: 6, omit: [3] });
    expect(trace[2]).toEqual(trace[1]);
    expect(trace[3]!.weights).not.toEqual(trace[2]!.weights);
    expect(trace[3]!.adamStep).toBe(3);
    expect(skipped.final).toEqual(reference.final);
    expect(skipped.guard.skipped).toEqual([{ step: 3, kind: 'gradient', tensor: 'hidden.weight', value: Number.NaN }]);
  });

  it('an infinite gradient and a NaN loss are caught and named', async () => {
    await expect(train({ steps: 4, poisonAt: 2, poisonValue: Number.NEGATIVE_INFINITY })).rejects.toThrow(
      /step 2: the gradient of 'hidden.weight' is -Infinity/,
    );
    const guard = new DivergenceGuard();
    const loss = tf.scalar(Number.NaN);
    const grads = new Map([['w', tf.ones([2])]]);
    const error = await guard.check(9, loss, grads).catch((e: unknown) => e);
    expect((error as DivergenceError).code).toBe('non-finite-loss');
    expect((error as DivergenceError).message).toMatch(/step 9: the loss is NaN/);
    tf.dispose([loss, ...grads.values()]);
  });

  it('finite gradients whose sum overflows are not a divergence; extra scalars come back in the same read', async () => {
    const guard = new DivergenceGuard();
    const loss = tf.scalar(1.5);
    const grads = new Map([
      ['big', tf.tensor([3e38, 3e38, 1])],
      ['small', tf.tensor([0.25])],
    ]);
    const accuracy = tf.scalar(0.75);
    const readSpy = vi.spyOn(tf.Tensor.prototype, 'data');
    const result = await guard.check(1, loss, grads, [accuracy]);
    expect(result).toEqual({ action: 'apply', loss: 1.5, scalars: [0.75], event: null });
    // One read for the overflowing sum, one to confirm that no element is non-finite.
    expect(readSpy).toHaveBeenCalledTimes(2);
    readSpy.mockClear();
    grads.get('big')!.dispose();
    grads.set('big', tf.tensor([1, 2, 3]));
    await guard.check(2, loss, grads, [accuracy]);
    expect(readSpy).toHaveBeenCalledTimes(1);
    tf.dispose([loss, accuracy, ...grads.values()]);
  });

  it("'skip' stops anyway after maxConsecutiveSkips poisoned steps in a row", async () => {
    const guard = new DivergenceGuard({ policy: 'skip', maxConsecutiveSkips: 2 });
    const loss = tf.scalar(Number.POSITIVE_INFINITY);
    const grads = new Map<string, tf.Tensor>();
    expect((await guard.check(1, loss, grads)).action).toBe('skip');
    expect((await guard.check(2, loss, grads)).action).toBe('skip');
    await expect(guard.check(3, loss, grads)).rejects.toThrow(/step 3: the loss is Infinity \(3 steps in a row, over maxConsecutiveSkips 2\)/);
    loss.dispose();
  });

  it('leaks no tensors on the apply, skip and stop paths', async () => {
    await train({ steps: 2 });
    const before = tf.memory().numTensors;
    await train({ steps: 5 });
    await train({ steps: 5, policy: 'skip', poisonAt: 2 });
    await train({ steps: 5, poisonAt: 4 }).catch(() => undefined);
    expect(tf.memory().numTensors).toBe(before);
  });
});
