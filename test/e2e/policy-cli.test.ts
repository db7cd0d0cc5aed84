import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '@steerable/cli-kit';
import { runTrainer } from '@steerable/trainer';
import { runEvaluation } from '@steerable/evaluation';
import { policyEvalSchema } from '@steerable/conditioned-dpo';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'policy-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The smallest policy runs that still exercise every stage; shared with the other CLI's test.
const small = JSON.parse(readFileSync(new URL('fixtures/small-policy.json', import.meta.url), 'utf8')) as { dpo: Record<string, unknown> } & Record<
  string,
  unknown
>;

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
    await run(['--config', await write('mixed', { kind: 'dpo', reference: 'sft' }), '--out', join(dir, 'mixed')]);
    await run(['--config', await write('np', { kind: 'np-dpo', reference: 'sft', baseline: 'mixed' }), '--out', join(dir, 'np')]);
    // DPO-mixed and NP-DPO adapt one SFT model on the same pairs: log pi_ref is computed once, in its run.
    const cached = async (run: string) => (await readdir(join(dir, run, 'cache')).catch(() => [])).filter((name) => name.startsWith('ref-logps-'));
    expect(await cached('sft')).toHaveLength(1);
    expect([...(await cached('mixed')), ...(await cached('np'))]).toEqual([]);
    const metrics = (await readFile(join(dir, 'np', 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(metrics).toHaveLength(2);
    for (const key of ['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/margins', 'rewards/accuracies', 'logps/chosen', 'logps/rejected'])
      expect(Number.isFinite(metrics[0]![key])).toBe(true);

    const io = bufferIo();
    expect(await runEvaluation(['policy', '--run', join(dir, 'np'), '--out', join(dir, 'eval'), '--backend', 'wasm'], io), io.errors()).toBe(0);
    // The evaluation adds the test pairs' log pi_ref to the same cache.
    expect(await cached('sft')).toHaveLength(2);
    const html = await readFile(join(dir, 'eval', 'report.html'), 'utf8');
    for (const id of ['policy-implicit-accuracy-np', 'policy-win-rate-np', 'policy-oracle-reward-np', 'training-np']) {
      expect(html).toContain(`data-figure="${id}"`);
    }
    const result = policyEvalSchema.parse(JSON.parse(await readFile(join(dir, 'eval', 'eval.json'), 'utf8'))) as {
      model: string;
      split: string;
      k: number[];
      implicit_accuracy: Record<string, Record<string, { mean: number; sem: number; n: number }>>;
      win_rate: Record<string, Record<string, { mean: number; sem: number; n: number }>>;
      oracle_reward: Record<string, Record<string, Record<string, { mean: number }>>>;
    };
    expect(result.model).toBe('np');
    expect(result.split).toBe('test');
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
    // These runs hold no validation pairs: scoring that split is refused with the field to fix.
    const validation = bufferIo();
    expect(await runEvaluation(['policy', '--run', join(dir, 'np'), '--split', 'validation', '--backend', 'wasm'], validation)).toBe(2);
    expect(validation.errors()).toMatch(/no validation split/);
  });
});
