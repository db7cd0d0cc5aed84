import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, entryToFloat32, readSafetensors } from '@steerable/core';

// A training process killed with SIGKILL (at a step, or half way through writing a checkpoint),
// then resumed, must end exactly where an uninterrupted run ends: same loss at every step, same
// final weights. The CLIs run as separate processes (built dist), killed by the OS signal itself.
const cli = fileURLToPath(new URL('../../apps/trainer/dist/cli.js', import.meta.url));
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sigkill-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the CLI; with `killWhen`, sends SIGKILL from outside as soon as it holds (polled every 10 ms). */
function train(args: string[], env: Record<string, string> = {}, killWhen?: () => Promise<boolean>): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let polling = killWhen !== undefined;
    const poll = async (): Promise<void> => {
      while (polling) {
        if (await killWhen!().catch(() => false)) {
          child.kill('SIGKILL');
          return;
        }
        await new Promise((wake) => setTimeout(wake, 10));
      }
    };
    void poll();
    child.on('close', (code, signal) => {
      polling = false;
      resolve({ code, signal, stderr });
    });
  });
}

/** True once the run has logged step `step` (the process is then somewhere inside step step + 1). */
function loggedStep(run: string, step: number): () => Promise<boolean> {
  return async () => (await readFile(join(run, 'metrics.jsonl'), 'utf8')).includes(`"step":${step},`);
}

async function stepLosses(run: string): Promise<Map<number, number>> {
  const lines = (await readFile(join(run, 'metrics.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { step: number; loss?: number; event?: string });
  const steps = lines.filter((line) => line.event === undefined || line.event === 'step');
  const losses = new Map<number, number>();
  for (const line of steps) {
    // Each step exactly once: a resumed run must not leave the interrupted run's records behind.
    expect(losses.has(line.step), `step ${line.step} logged twice in ${run}`).toBe(false);
    losses.set(line.step, line.loss!);
  }
  return losses;
}

async function finalWeights(run: string): Promise<Map<string, Float32Array>> {
  const names = (await readdir(join(run, 'checkpoints'))).filter((name) => /^step-\d+$/.test(name));
  const last = names.sort((a, b) => Number(a.slice(5)) - Number(b.slice(5))).at(-1)!;
  const { tensors } = await readSafetensors(join(run, 'checkpoints', last, 'weights.safetensors'));
  return new Map([...tensors].map(([name, entry]) => [name, entryToFloat32(entry, name)]));
}

async function expectSameRun(straight: string, resumed: string, tolerance: number): Promise<void> {
  const [a, b] = [await stepLosses(straight), await stepLosses(resumed)];
  expect([...b.keys()]).toEqual([...a.keys()]);
  for (const [step, loss] of a) {
    if (tolerance === 0) expect(b.get(step), `loss at step ${step}`).toBe(loss);
    else expect(Math.abs(b.get(step)! - loss), `loss at step ${step}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(loss)));
  }
  const [wa, wb] = [await finalWeights(straight), await finalWeights(resumed)];
  expect([...wb.keys()].sort()).toEqual([...wa.keys()].sort());
  for (const [name, values] of wa) {
    const other = wb.get(name)!;
    if (tolerance === 0) expect(Array.from(other), name).toEqual(Array.from(values));
    else
      for (let i = 0; i < values.length; i++) expect(Math.abs(other[i]! - values[i]!), name).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(values[i]!)));
  }
}

/** Trains straight, then again killed and resumed; compares the two. */
async function killAndResume(
  name: string,
  args: (out: string) => string[],
  kill: { env?: Record<string, string>; afterStep?: number },
  tolerance: number,
): Promise<void> {
  const straight = join(root, `${name}-straight`);
  const interrupted = join(root, `${name}-killed`);
  const first = await train(args(straight));
  expect(first.code, first.stderr).toBe(0);
  const killed = await train(args(interrupted), kill.env, kill.afterStep === undefined ? undefined : loggedStep(interrupted, kill.afterStep));
  expect(killed.signal, `the run was meant to be killed: ${killed.stderr}`).toBe('SIGKILL');
  const [command, ...rest] = args(interrupted);
  const kept = rest.filter((arg, i) => !['--config', '--out'].includes(arg) && !['--config', '--out'].includes(rest[i - 1]!));
  const resumed = await train([command!, '--resume', '--out', interrupted, ...kept]);
  expect(resumed.code, resumed.stderr).toBe(0);
  await expectSameRun(straight, interrupted, tolerance);
}

describe('SIGKILL during training, then --resume', () => {
  const rewardConfig = async (seed: number): Promise<string> => {
    const file = join(root, `reward-${seed}.json`);
    await writeFile(
      file,
      JSON.stringify({
        name: `sigkill-np-btl-${seed}`,
        seed,
        data: { source: 'paper-synthetic', numPairs: 400, seed },
        model: { kind: 'np-btl', hiddenDim: 8, numHeads: 2, pairEncoder: 'mlp' },
        training: { epochs: 2, batchSize: 8, numTargets: 4, contextSize: [0, 3], tasksPerEpoch: 64, logEvery: 1, checkpointEvery: 1, keepCheckpoints: 2 },
      }),
    );
    return file;
  };

  for (const seed of [1, 2, 3]) {
    // A step drawn per seed in [3, 14] of 16, killed after its update (train-step) or inside its
    // checkpoint write (checkpoint-write), alternating.
    const step = new Rng(`sigkill/${seed}`).int(3, 14);
    const point = seed % 2 === 0 ? 'checkpoint-write' : 'train-step';
    it(`reward (NP-BTL), seed ${seed}: killed at ${point} of step ${step}, resumed, is bit-identical on cpu`, async () => {
      const config = await rewardConfig(seed);
      await killAndResume(
        `reward-${seed}`,
        (out) => ['reward', '--config', config, '--out', out, '--backend', 'cpu'],
        { env: { STEERABLE_CRASH_AT: `${point}:${step}` } },
        0,
      );
    });
  }

  it('reward (NP-BTL) on wasm: killed from outside by the OS signal mid-run, resumed, equal within float tolerance', async () => {
    const config = await rewardConfig(4);
    await killAndResume(
      'reward-wasm',
      (out) => ['reward', '--config', config, '--out', out, '--backend', 'wasm'],
      { afterStep: new Rng('sigkill/wasm').int(3, 12) },
      1e-5,
    );
  });

  describe('policy (NP-DPO)', () => {
    const policy = (body: object): object => ({
      seed: 5,
      data: { source: 'steerable-text', pairsPerType: { train: 40, validation: 0, test: 0 } },
      template: { maxPromptLength: 6, maxLength: 15 },
      model: { n_positions: 16, n_embd: 16, n_head: 2, n_layer: 1 },
      sft: { epochs: 1, batchSize: 32 },
      dpo: { lora: { rank: 2, alpha: 4, dropout: 0.1 } },
      npDpo: { steps: 8, tasksPerBatch: 2, contextSize: [0, 3], targetsPerTask: 2, encoderHiddenDim: 8, encoderHeads: 2 },
      checkpointEvery: 1,
      keepCheckpoints: 2,
      ...body,
    });

    beforeAll(async () => {
      const sft = join(root, 'sft.json');
      await writeFile(sft, JSON.stringify(policy({ name: 'sft', kind: 'sft' })));
      const trained = await train(['policy', '--config', sft, '--out', join(root, 'sft'), '--backend', 'cpu']);
      expect(trained.code, trained.stderr).toBe(0);
    });

    for (const [seed, point] of [
      [6, 'train-step'],
      [7, 'checkpoint-write'],
    ] as const) {
      const step = new Rng(`sigkill/${seed}`).int(2, 7);
      it(`NP-DPO, seed ${seed}: killed at ${point} of step ${step}, resumed, is bit-identical on cpu`, async () => {
        const config = join(root, `np-dpo-${seed}.json`);
        await writeFile(config, JSON.stringify(policy({ name: `np-dpo-${seed}`, kind: 'np-dpo', seed, reference: 'sft' })));
        await killAndResume(
          `np-dpo-${seed}`,
          (out) => ['policy', '--config', config, '--out', out, '--backend', 'cpu'],
          { env: { STEERABLE_CRASH_AT: `${point}:${step}` } },
          0,
        );
      });
    }
  });
});
