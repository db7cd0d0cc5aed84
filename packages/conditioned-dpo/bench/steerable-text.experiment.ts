// The steerable-text benchmark end to end (not part of the unit tests; minutes on a CPU):
//   npx vitest run --config packages/conditioned-dpo/bench/vitest.experiment.config.ts
// Trains SFT, DPO-mixed, DPO-formal, DPO-casual and NP-DPO under $STEERABLE_RUNS (default
// /tmp/steerable-text-runs), evaluates, and prints eval.json.
import { it } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import { evaluatePolicyRun, resolvePreset, runIsComplete, trainPolicy } from '../src/index.js';

const root = process.env.STEERABLE_RUNS ?? '/tmp/steerable-text-runs';

it('steerable-text benchmark', async () => {
  await initBackend({ backend: (process.env.STEERABLE_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm' });
  const t0 = Date.now();
  const log = (e: { type: string; phase: string; step?: number; totalSteps?: number; metrics?: Record<string, number>; detail?: string }): void => {
    if (e.type === 'step' && e.step! % 50 !== 0) return;
    process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0)}s] ${JSON.stringify(e)}\n`);
  };
  for (const name of (process.env.STEERABLE_PRESETS ?? 'steerable-text-np-dpo,steerable-text-dpo-formal,steerable-text-dpo-casual').split(',')) {
    const dir = `${root}/${name}`;
    if (!(await runIsComplete(dir))) await trainPolicy(resolvePreset(name), { outDir: dir, runsRoot: root, onEvent: log });
  }
  const result = await evaluatePolicyRun(`${root}/steerable-text-np-dpo`, { outDir: `${root}/eval` });
  process.stderr.write(`${JSON.stringify(result, null, 1)}\n[total ${((Date.now() - t0) / 1000).toFixed(0)}s]\n`);
}, 3_600_000);
