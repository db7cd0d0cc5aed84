import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo, runTrainer } from '@steerable/trainer';
import { runEvaluation } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'policy-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const small = {
  seed: 3,
  data: { sftExamples: 128, pairsPerType: { train: 40, validation: 0, test: 30 }, labelNoise: 0.2 },
  model: { n_embd: 16, n_head: 2, n_layer: 1 },
  sft: { epochs: 1, batchSize: 64, lr: 3e-3 },
  dpo: { steps: 2, batchSize: 4, lora: { rank: 2, alpha: 4, dropout: 0 } },
  npDpo: { steps: 2, tasksPerBatch: 2, maxContext: 2, targetsPerTask: 3, encoderHiddenDim: 8, encoderHeads: 2 },
  eval: { ks: [0, 1, 10], tasksPerType: 3, targetsPerTask: 4, generationsPerType: 3, maxNewTokens: 6 },
  checkpointEvery: 1,
};

describe('steerable-train policy / steerable-eval policy', () => {
  it('trains SFT -> DPO-mixed -> NP-DPO from configs and writes eval.json in the contract shape', async () => {
    const write = async (name: string, body: object): Promise<string> => {
      const file = join(dir, `${name}.json`);
      await writeFile(file, JSON.stringify({ ...small, name, ...body }));
      return file;
    };
    const run = async (args: string[]): Promise<void> => {
      const io = bufferIo();
      const code = await runTrainer(['policy', ...args, '--backend', 'wasm'], io);
      expect(code, io.errors()).toBe(0);
    };
    await run(['--config', await write('sft', { kind: 'sft' }), '--out', join(dir, 'sft')]);
    await run(['--config', await write('mixed', { kind: 'dpo', reference: join(dir, 'sft') }), '--out', join(dir, 'mixed')]);
    await run(['--config', await write('np', { kind: 'np-dpo', reference: join(dir, 'sft'), baseline: join(dir, 'mixed') }), '--out', join(dir, 'np')]);
    const metrics = (await readFile(join(dir, 'np', 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(metrics).toHaveLength(2);
    for (const key of ['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/margins', 'rewards/accuracies', 'logps/chosen', 'logps/rejected']) expect(Number.isFinite(metrics[0]![key])).toBe(true);

    const io = bufferIo();
    expect(await runEvaluation(['policy', '--run', join(dir, 'np'), '--out', join(dir, 'eval'), '--backend', 'wasm'], io), io.errors()).toBe(0);
    const result = JSON.parse(await readFile(join(dir, 'eval', 'eval.json'), 'utf8')) as {
      model: string;
      k: number[];
      implicit_accuracy: Record<string, Record<string, { mean: number; sem: number; n: number }>>;
      win_rate: Record<string, Record<string, { mean: number; sem: number; n: number }>>;
      oracle_reward: Record<string, Record<string, Record<string, { mean: number }>>>;
    };
    expect(result.model).toBe('np');
    expect(result.k).toEqual([0, 1, 10]);
    for (const type of ['formal', 'casual']) {
      for (const k of ['0', '1', '10']) {
        const acc = result.implicit_accuracy[type]![k]!;
        const win = result.win_rate[type]![k]!;
        expect(acc.n).toBe(3);
        expect(win.n).toBe(3);
        for (const v of [acc.mean, win.mean]) expect(v >= 0 && v <= 1).toBe(true);
        for (const scoredBy of ['formal', 'casual']) expect(Math.abs(result.oracle_reward[type]![scoredBy]![k]!.mean)).toBeLessThanOrEqual(1);
        // The two oracles are exact opposites on well-formed text; both are -1 only on malformed output.
      }
    }
  });
});
