import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import { type PolicyRunConfig, type PolicyTrainEvent, resolvePreset, trainPolicy } from '../src/index.js';

let root: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  root = await mkdtemp(join(tmpdir(), 'policy-resume-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function tiny(kind: 'sft' | 'dpo' | 'np-dpo'): PolicyRunConfig {
  const base = resolvePreset(kind === 'sft' ? 'steerable-text-sft' : kind === 'dpo' ? 'steerable-text-dpo-mixed' : 'steerable-text-np-dpo');
  const config: PolicyRunConfig = {
    ...base,
    name: `tiny-${kind}`,
    data: { ...base.data, sftExamples: 64, pairsPerType: { train: 30, validation: 0, test: 0 } },
    model: { ...base.model, n_embd: 16, n_head: 2, n_layer: 1 },
    sft: { epochs: 1, batchSize: 64, lr: 3e-3 },
    reference: join(root, 'sft'),
    dpo: { ...base.dpo, steps: 2, batchSize: 4, lora: { rank: 2, alpha: 4, dropout: 0.1 } },
    npDpo: { ...base.npDpo, steps: 4, tasksPerBatch: 2, maxContext: 3, targetsPerTask: 2, encoderHiddenDim: 8, encoderHeads: 2 },
    checkpointEvery: 2,
  };
  // NP-DPO's DPO-mixed baseline: the tiny one (a preset name would train the full benchmark run).
  return kind === 'np-dpo' ? { ...config, baseline: join(root, 'mixed') } : config;
}

async function finalWeights(dir: string): Promise<Map<string, number[]>> {
  const checkpoint = await loadCheckpoint(join(dir, 'checkpoint'));
  const out = new Map<string, number[]>();
  for (const [name, t] of checkpoint.weights) out.set(name, Array.from(await t.data()));
  for (const t of checkpoint.weights.values()) t.dispose();
  for (const t of checkpoint.optimizerState?.values() ?? []) t.dispose();
  return out;
}

describe('policy --resume', () => {
  it('an NP-DPO run stopped after a checkpoint and resumed ends bit-identical to an uninterrupted one', async () => {
    await trainPolicy(tiny('sft'), { outDir: join(root, 'sft') });
    await trainPolicy(tiny('dpo'), { outDir: join(root, 'mixed') });
    await trainPolicy(tiny('np-dpo'), { outDir: join(root, 'straight') });

    const abort = new AbortController();
    const stopAfterTwo = (e: PolicyTrainEvent): void => {
      if (e.type === 'step' && e.step === 2) abort.abort();
    };
    await expect(trainPolicy(tiny('np-dpo'), { outDir: join(root, 'stopped'), signal: abort.signal, onEvent: stopAfterTwo })).rejects.toThrow(/interrupted/);
    const steps: number[] = [];
    await trainPolicy(tiny('np-dpo'), { outDir: join(root, 'stopped'), resume: true, onEvent: (e) => { if (e.type === 'step') steps.push(e.step); } });
    expect(steps).toEqual([3, 4]);

    const a = await finalWeights(join(root, 'straight'));
    const b = await finalWeights(join(root, 'stopped'));
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    expect([...a.keys()].some((k) => k.startsWith('encoder.'))).toBe(true);
    for (const [name, values] of a) expect(b.get(name), name).toEqual(values);
    // The logged loss of the last step is the same too (and includes the RPO term).
    const last = async (dir: string) => JSON.parse((await readFile(join(dir, 'metrics.jsonl'), 'utf8')).trim().split('\n').at(-1)!) as Record<string, number>;
    const [la, lb] = [await last(join(root, 'straight')), await last(join(root, 'stopped'))];
    expect(lb.loss).toBe(la.loss);
    expect(la.loss).toBeCloseTo(la['loss/dpo']! + tiny('np-dpo').dpo.rpoAlpha * la.nll_loss!, 10);
  });
});
