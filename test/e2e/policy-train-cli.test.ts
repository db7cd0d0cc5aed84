import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '@steerable/cli-kit';
import { runTrainer } from '@steerable/trainer';

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

describe('steerable-train policy', () => {
  it('--list-presets names SFT, DPO-mixed, DPO-<type> and an np-dpo preset', async () => {
    const io = bufferIo();
    expect(await runTrainer(['policy', '--list-presets'], io)).toBe(0);
    for (const name of ['steerable-text-sft', 'steerable-text-dpo-mixed', 'steerable-text-dpo-formal', 'steerable-text-dpo-casual', 'steerable-text-np-dpo'])
      expect(io.text()).toContain(name);
  });

  it('refuses an unknown preset with a hint, and a bad config naming the field (exit 2)', async () => {
    const io = bufferIo();
    expect(await runTrainer(['policy', '--preset', 'nope', '--backend', 'cpu'], io)).toBe(2);
    expect(io.errors()).toMatch(/steerable-text-np-dpo/);
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ kind: 'dpo', name: 'x', reference: 'sft', dpo: { lossType: 'hinge' } }));
    const io2 = bufferIo();
    expect(await runTrainer(['policy', '--config', file, '--backend', 'cpu'], io2)).toBe(2);
    expect(io2.errors()).toMatch(/dpo\.lossType/);
    const typo = join(dir, 'typo.json');
    await writeFile(typo, JSON.stringify({ kind: 'dpo', name: 'x', reference: 'sft', dpo: { stepz: 3 } }));
    const io3 = bufferIo();
    expect(await runTrainer(['policy', '--config', typo, '--backend', 'cpu'], io3)).toBe(2);
    expect(io3.errors()).toMatch(/unknown key 'stepz'/);
    expect(io3.errors()).toMatch(/did you mean 'steps'/);
  });

  it('--resume continues a DPO run from its checkpoint to more steps, each step once in metrics.jsonl', async () => {
    const write = async (name: string, body: object): Promise<string> => {
      const file = join(dir, `${name}.json`);
      await writeFile(file, JSON.stringify({ ...small, name, ...body }));
      return file;
    };
    const run = async (args: string[]): Promise<string> => {
      const io = bufferIo();
      expect(await runTrainer(['policy', ...args, '--backend', 'cpu'], io), io.errors()).toBe(0);
      return io.text();
    };
    await run(['--config', await write('sft', { kind: 'sft' }), '--out', join(dir, 'sft')]);
    // A 2-step run stands for one interrupted at step 2 of 4: the same config with more steps resumes it.
    await run(['--config', await write('short', { kind: 'dpo', reference: 'sft' }), '--out', join(dir, 'dpo')]);
    const configPath = join(dir, 'dpo', 'config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    config.dpo.steps = 4;
    await writeFile(configPath, JSON.stringify(config));
    await run(['--out', join(dir, 'dpo'), '--resume']);
    const steps = (await readFile(join(dir, 'dpo', 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { step: number }).step);
    expect(steps).toEqual([1, 2, 3, 4]);
    const last = JSON.parse((await readFile(join(dir, 'dpo', 'metrics.jsonl'), 'utf8')).trim().split('\n').at(-1)!) as Record<string, number>;
    // The logged loss is the optimised objective: DPO plus rpo_alpha times the chosen responses' NLL.
    expect(last.loss).toBeCloseTo(last['loss/dpo']! + 0.3 * last.nll_loss!, 10);
    // Resuming a finished run trains nothing more.
    await run(['--out', join(dir, 'dpo'), '--resume']);
    expect((await readFile(join(dir, 'dpo', 'metrics.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(4);
    // The run refers to its SFT run relatively, so the two move together.
    expect(JSON.parse(await readFile(configPath, 'utf8')).reference).toBe('sft');
  });

  it('--data keeps the where / splitBy of a config that reads a file; a file preset without --data exits 2 naming data.path', async () => {
    // Six dialogues, two summaries each, judged by two criteria that disagree on half the dialogues.
    const lines: string[] = [];
    for (let d = 0; d < 6; d++) {
      for (const user of ['fluency', 'relevance']) {
        const conflict = d % 2 === 0;
        const fluentWins = user === 'fluency' || !conflict;
        const [fluent, copied] = [`ann and ben meet at cafe ${d} .`, `ann : cafe ${d} ? ben : yes`];
        const [chosen, rejected] = fluentWins ? [fluent, copied] : [copied, fluent];
        lines.push(JSON.stringify({ prompt: `| ann : cafe ${d} ? | ben : yes`, chosen, rejected, user_id: user, conflict }));
      }
    }
    const data = join(dir, 'summaries.jsonl');
    await writeFile(data, `${lines.join('\n')}\n`);
    const config = join(dir, 'file-sft.json');
    const selection = { where: { conflict: true }, splitBy: 'prompt', splitFractions: [0.34, 0.33, 0.33] };
    await writeFile(config, JSON.stringify({ ...small, name: 'file-sft', kind: 'sft', data: { source: 'file', path: 'elsewhere.jsonl', ...selection } }));
    const io = bufferIo();
    expect(await runTrainer(['policy', '--config', config, '--data', data, '--out', join(dir, 'file-sft'), '--backend', 'cpu'], io), io.errors()).toBe(0);
    const written = JSON.parse(await readFile(join(dir, 'file-sft', 'config.json'), 'utf8')) as { data: Record<string, unknown> };
    expect(written.data).toMatchObject({ source: 'file', path: data, ...selection });
    // Three conflicting dialogues, one per split: the SFT run sees one dialogue's two summaries.
    const phase = io.text() + io.errors();
    expect(phase).toMatch(/sft: 2 examples/);

    const missing = bufferIo();
    expect(await runTrainer(['policy', '--preset', 'dialsummeval-sft', '--out', join(dir, 'no-data'), '--backend', 'cpu'], missing)).toBe(2);
    expect(missing.errors()).toMatch(/data\.path/);
    expect(missing.errors()).toMatch(/--data FILE/);
  });
});
