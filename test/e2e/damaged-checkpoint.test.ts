import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '@steerable/cli-kit';
import { entryToFloat32, readSafetensors } from '@steerable/core';
import { runTrainer } from '@steerable/trainer';

// The newest checkpoint damaged on disk (cut short, or one byte flipped): --resume falls back to
// the one before it, says which file was damaged, and the run still ends exactly where an
// uninterrupted one does (the lost step is trained again from the earlier checkpoint).
let root: string;
const config = {
  name: 'damaged',
  seed: 2,
  data: { source: 'paper-synthetic', numPairs: 400, seed: 2 },
  model: { kind: 'np-btl', hiddenDim: 8, numHeads: 2, pairEncoder: 'mlp' },
  training: { epochs: 2, batchSize: 8, numTargets: 4, contextSize: [0, 3], tasksPerEpoch: 32, logEvery: 1, checkpointEvery: 1, keepCheckpoints: 3 },
};

async function run(args: string[]): Promise<string> {
  const io = bufferIo();
  expect(await runTrainer(['reward', ...args, '--backend', 'cpu'], io), io.errors()).toBe(0);
  return io.errors();
}

async function weights(dir: string): Promise<Record<string, number[]>> {
  const { tensors } = await readSafetensors(join(dir, 'weights.safetensors'));
  return Object.fromEntries([...tensors].map(([name, entry]) => [name, Array.from(entryToFloat32(entry, name))]));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'damaged-'));
  await writeFile(join(root, 'long.json'), JSON.stringify({ ...config, training: { ...config.training, epochs: 3 } }));
  await writeFile(join(root, 'short.json'), JSON.stringify(config));
  await run(['--config', join(root, 'long.json'), '--out', join(root, 'straight')]);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('--resume with the newest checkpoint damaged', () => {
  for (const [name, damage] of [
    ['truncated', async (file: string) => truncate(file, 100)],
    [
      'one byte flipped',
      async (file: string) => {
        const bytes = await readFile(file);
        bytes[bytes.length - 5] ^= 0x01;
        await writeFile(file, bytes);
      },
    ],
  ] as const) {
    it(`${name}: falls back to the previous checkpoint, says so, and ends as the uninterrupted run`, async () => {
      const out = join(root, name.replace(/ /g, '-'));
      await run(['--config', join(root, 'short.json'), '--out', out]);
      const newest = join(out, 'checkpoints', 'step-8', 'weights.safetensors');
      await damage(newest);
      const saved = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
      saved.training.epochs = 3;
      await writeFile(join(out, 'config.json'), JSON.stringify(saved));
      const log = await run(['--resume', '--out', out]);
      expect(log).toContain(newest);
      expect(log).toMatch(/step-7/);
      expect(log).toMatch(/resuming from .*step-7/);
      expect(await weights(join(out, 'checkpoints', 'step-12'))).toEqual(await weights(join(root, 'straight', 'checkpoints', 'step-12')));
    });
  }
});
