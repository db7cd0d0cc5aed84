// The steerable-text benchmark end to end (not part of the unit tests; minutes on a CPU):
//   npx vitest run --config packages/conditioned-dpo/bench/vitest.experiment.config.ts
// Trains SFT, DPO-mixed, DPO-formal, DPO-casual and NP-DPO under $STEERABLE_RUNS (default
// /tmp/steerable-text-runs), evaluates, and prints eval.json. $STEERABLE_OVERRIDES (JSON) is merged
// into every listed preset (one level deep per section, e.g. '{"dpo":{"rpoAlpha":0.3}}'); dependencies
// trained implicitly use the plain presets, so list every run you want overridden.
import { it } from 'vitest';
import { initBackend } from '@steerable/gpu-kernels';
import { evaluatePolicyRun, resolvePreset, runIsComplete, trainPolicy, type PolicyRunConfig } from '../src/index.js';

const root = process.env.STEERABLE_RUNS ?? '/tmp/steerable-text-runs';
const overrides = JSON.parse(process.env.STEERABLE_OVERRIDES ?? '{}') as Record<string, unknown>;

function withOverrides(config: PolicyRunConfig): PolicyRunConfig {
  const out = { ...config } as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    const base = out[key];
    out[key] = value && typeof value === 'object' && !Array.isArray(value) && base && typeof base === 'object' ? { ...(base as object), ...(value as object) } : value;
  }
  return out as unknown as PolicyRunConfig;
}

it('steerable-text benchmark', async () => {
  await initBackend({ backend: (process.env.STEERABLE_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm' });
  const t0 = Date.now();
  const log = (e: { type: string; phase: string; step?: number; totalSteps?: number; metrics?: Record<string, number>; detail?: string }): void => {
    if (e.type === 'step' && e.step! % 50 !== 0) return;
    process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0)}s] ${JSON.stringify(e)}\n`);
  };
  for (const name of (process.env.STEERABLE_PRESETS ?? 'steerable-text-np-dpo,steerable-text-dpo-formal,steerable-text-dpo-casual').split(',')) {
    const dir = `${root}/${name}`;
    if (!(await runIsComplete(dir))) await trainPolicy(withOverrides(resolvePreset(name)), { outDir: dir, runsRoot: root, onEvent: log });
  }
  const result = await evaluatePolicyRun(`${root}/steerable-text-np-dpo`, { outDir: `${root}/eval` });
  const brief = (o: Record<string, Record<string, { mean: number }>>) => Object.fromEntries(Object.entries(o).map(([t, v]) => [t, Object.fromEntries(Object.entries(v).map(([k, m]) => [k, Number(m.mean.toFixed(3))]))]));
  process.stderr.write(`SUMMARY ${JSON.stringify({ implicit_accuracy: brief(result.implicit_accuracy), win_rate: brief(result.win_rate), baselines: Object.fromEntries(Object.entries(result.baselines).map(([n, b]) => [n, brief(b as never)])) })}\n`);
  process.stderr.write(`${JSON.stringify(result, null, 1)}\n[total ${((Date.now() - t0) / 1000).toFixed(0)}s]\n`);
}, 3_600_000);
