import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointDirectory, loadCheckpoint } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import { type PolicyRunConfig, type PolicyRunHandle, type PolicyTrainEvent, generateSteerableText, parsePolicyRunConfig, trainPolicy } from '../src/index.js';

let root: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  root = await mkdtemp(join(tmpdir(), 'policy-resume-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const data = { source: 'steerable-text', pairsPerType: { train: 30, validation: 0, test: 0 } } as const;
const pairs = generateSteerableText({ pairsPerType: data.pairsPerType });

function tiny(kind: 'sft' | 'dpo' | 'np-dpo'): PolicyRunConfig {
  return parsePolicyRunConfig({
    name: `tiny-${kind}`,
    kind,
    data,
    template: { maxPromptLength: 6, maxLength: 15 },
    model: { n_positions: 16, n_embd: 16, n_head: 2, n_layer: 1 },
    sft: { epochs: 2, batchSize: 16, lr: 3e-3 },
    ...(kind === 'sft' ? {} : { reference: 'sft' }),
    dpo: { steps: 4, batchSize: 4, lora: { rank: 2, alpha: 4, dropout: 0.1 } },
    npDpo: { steps: 4, tasksPerBatch: 2, contextSize: [0, 3], targetsPerTask: 2, encoderHiddenDim: 8, encoderHeads: 2 },
    checkpointEvery: 2,
  });
}

function handle(name: string): PolicyRunHandle {
  return { checkpoints: new CheckpointDirectory(join(root, name, 'checkpoints')), modelPath: join(root, name, 'model'), cachePath: join(root, name, 'cache') };
}

async function finalWeights(run: PolicyRunHandle): Promise<Map<string, number[]>> {
  const checkpoint = await loadCheckpoint((await run.checkpoints.latest())!);
  const out = new Map<string, number[]>();
  for (const [name, t] of checkpoint.weights) out.set(name, Array.from(await t.data()));
  for (const t of checkpoint.weights.values()) t.dispose();
  for (const t of checkpoint.optimizerState?.values() ?? []) t.dispose();
  return out;
}

/** Trains straight through, and again stopped after step 2 then resumed; returns both runs' losses and weights. */
async function straightAndResumed(kind: 'sft' | 'dpo' | 'np-dpo', referenceModelDir?: string) {
  const config = tiny(kind);
  const reference = referenceModelDir ? { referenceModelDir } : {};
  const losses = { straight: [] as number[], resumed: [] as number[] };
  const record = (into: number[]) => (event: PolicyTrainEvent) => {
    if (event.type === 'step') into.push(event.metrics.loss!);
  };
  const straight = handle(`${kind}-straight`);
  await trainPolicy(config, { run: straight, pairs, ...reference, onEvent: record(losses.straight) });
  const stopped = handle(`${kind}-stopped`);
  const abort = new AbortController();
  await expect(
    trainPolicy(config, {
      run: stopped,
      pairs,
      ...reference,
      signal: abort.signal,
      onEvent: (event) => {
        record(losses.resumed)(event);
        if (event.type === 'step' && event.step === 2) abort.abort();
      },
    }),
  ).rejects.toThrow(/interrupted/);
  const steps: number[] = [];
  await trainPolicy(config, {
    run: stopped,
    pairs,
    ...reference,
    resumeFrom: await stopped.checkpoints.latest(),
    onEvent: (event) => {
      record(losses.resumed)(event);
      if (event.type === 'step') steps.push(event.step);
    },
  });
  return { losses, steps, straight: await finalWeights(straight), resumed: await finalWeights(stopped), straightRun: straight };
}

let sftModel: string;

describe('policy runs resume exactly', () => {
  it('SFT stopped after a checkpoint and resumed ends bit-identical, with the same loss at every step', async () => {
    const { losses, steps, straight, resumed, straightRun } = await straightAndResumed('sft');
    sftModel = straightRun.modelPath;
    expect(steps[0]).toBe(3);
    expect(losses.resumed).toEqual(losses.straight);
    expect([...resumed.keys()].sort()).toEqual([...straight.keys()].sort());
    for (const [name, values] of straight) expect(resumed.get(name), name).toEqual(values);
  });

  it('DPO likewise (LoRA weights, Adam state, dropout RNG and sampler position restored)', async () => {
    const { losses, steps, straight, resumed } = await straightAndResumed('dpo', sftModel);
    expect(steps).toEqual([3, 4]);
    expect(losses.resumed).toEqual(losses.straight);
    for (const [name, values] of straight) expect(resumed.get(name), name).toEqual(values);
  });

  it('NP-DPO likewise, encoder included', async () => {
    const { losses, steps, straight, resumed } = await straightAndResumed('np-dpo', sftModel);
    expect(steps).toEqual([3, 4]);
    expect(losses.resumed).toEqual(losses.straight);
    expect([...straight.keys()].some((k) => k.startsWith('encoder.'))).toBe(true);
    for (const [name, values] of straight) expect(resumed.get(name), name).toEqual(values);
  });

  it('refuses to resume from a checkpoint of another run kind', async () => {
    const dpo = handle('dpo-straight');
    await expect(
      trainPolicy(tiny('np-dpo'), { run: handle('wrong'), pairs, referenceModelDir: sftModel, resumeFrom: await dpo.checkpoints.latest() }),
    ).rejects.toThrow(/not a resumable np-dpo checkpoint/);
  });
});

describe('npDpo.encoderLr reaches the optimizer', () => {
  /** Two NP-DPO steps from the same initialisation and batches, with the encoder at `encoderLr`. */
  async function oneStep(name: string, encoderLr: number | null): Promise<Map<string, number[]>> {
    const base = tiny('np-dpo');
    const config = { ...base, name, checkpointEvery: 1, npDpo: { ...base.npDpo, steps: 2, encoderLr } };
    const run = handle(name);
    await trainPolicy(config, { run, pairs, referenceModelDir: sftModel });
    return finalWeights(run);
  }

  it('scales only the encoder step: LoRA and FiLM take the same steps, the encoder barely moves at a tiny rate', async () => {
    const shared = await oneStep('encoder-lr-default', null);
    const slow = await oneStep('encoder-lr-1e-9', 1e-9);
    const slower = await oneStep('encoder-lr-2e-9', 2e-9);
    const encoder = [...shared.keys()].filter((k) => k.startsWith('encoder.'));
    const adapters = [...shared.keys()].filter((k) => k.startsWith('adapters.'));
    expect(encoder.length).toBeGreaterThan(0);
    expect(adapters.length).toBeGreaterThan(0);
    // FiLM starts as the identity, so step 1 gives the encoder no gradient and leaves it where it
    // started in every run; step 2's gradients are then the same in every run, so the adapters end
    // bit-identical whatever the encoder's rate.
    for (const k of adapters) expect(slow.get(k), k).toEqual(shared.get(k));
    const maxDifference = (x: Map<string, number[]>, y: Map<string, number[]>) =>
      Math.max(...encoder.flatMap((k) => x.get(k)!.map((v, i) => Math.abs(v - y.get(k)![i]!))));
    // At dpo.lr the encoder moves by about the rate; at 1e-9 and 2e-9 it stays where it started.
    expect(maxDifference(shared, slow)).toBeGreaterThan(1e-3);
    expect(maxDifference(slow, slower)).toBeLessThan(1e-7);
  });
});
