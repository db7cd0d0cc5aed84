import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REWARD_MODEL_CHECKPOINT_KIND, createRewardModel } from '@steerable/btl-reward';
import { bufferIo } from '@steerable/cli-kit';
import { CheckpointDirectory } from '@steerable/core';
import { initBackend } from '@steerable/gpu-kernels';
import { runEvaluation } from '../src/index.js';

const fixture = fileURLToPath(new URL('./fixtures/report-runs/tiny-np-btl/', import.meta.url));

describe('steerable-eval reward --wait', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steerable-eval-wait-'));
    await initBackend({ backend: 'cpu' });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('evaluates a run only once its training has finished (summary.json), and then as usual', async () => {
    const run = join(dir, 'tiny-np-btl');
    await cp(fixture, run, { recursive: true });
    // The fixture keeps checkpoint manifests only: give the run weights (its model, freshly initialised) to evaluate.
    const model = createRewardModel(JSON.parse(await readFile(join(run, 'config.json'), 'utf8')).model);
    await rm(join(run, 'checkpoints'), { recursive: true });
    await new CheckpointDirectory(join(run, 'checkpoints')).save({
      step: 60,
      model: { kind: REWARD_MODEL_CHECKPOINT_KIND, config: model.config, state: model.stateDict() },
    });
    model.dispose();
    // Still training: no summary yet.
    await rename(join(run, 'summary.json'), join(dir, 'summary.json'));
    const out = join(dir, 'eval');
    const io = bufferIo();
    const evaluation = runEvaluation(['reward', '--run', run, '--out', out, '--wait', '--backend', 'cpu', '--tasks-per-user', '4'], io);
    await sleep(1000);
    expect(existsSync(join(out, 'eval.json'))).toBe(false);
    expect(io.errors()).toMatch(/waiting for .*tiny-np-btl to finish training/);
    await rename(join(dir, 'summary.json'), join(run, 'summary.json'));
    expect(await evaluation, io.errors()).toBe(0);
    expect(existsSync(join(out, 'eval.json'))).toBe(true);
    expect(io.errors()).toMatch(/evaluating tiny-np-btl/);
  });

  it('fails at once for a directory that holds no run, rather than waiting for it', async () => {
    const io = bufferIo();
    expect(await runEvaluation(['reward', '--run', join(dir, 'no-such-run'), '--out', join(dir, 'none'), '--wait', '--backend', 'cpu'], io)).not.toBe(0);
    expect(io.errors()).toMatch(/no-such-run is not a run directory/);
  });
});
