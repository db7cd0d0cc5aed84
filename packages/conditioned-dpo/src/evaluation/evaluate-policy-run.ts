import { join } from 'node:path';
import { SteerableError, writeJsonAtomic } from '@steerable/core';
import { TOKEN, USER_TYPES, generateSteerableText, oracleReward } from '../benchmark/steerable-text.js';
import type { Policy } from '../policy/policy.js';
import type { TrainHooks } from '../training/events.js';
import { loadPolicyRun, preparePairs, resolveRunDir, runIsComplete } from '../training/train-policy.js';
import { type EvalPair, evaluatePolicy, type PolicyEvalJson } from './evaluate-policy.js';

export interface EvaluatePolicyRunOptions extends TrainHooks {
  /** Where eval.json goes. */
  outDir: string;
  /** Where sibling runs (DPO-mixed, DPO-<type>) live; default: the run's parent directory. */
  runsRoot?: string;
}

/**
 * `steerable-eval policy`: loads an NP-DPO run, its DPO-mixed baseline and any DPO-<type> runs
 * next to it, scores them on the benchmark's test split and writes eval.json.
 */
export async function evaluatePolicyRun(runDir: string, options: EvaluatePolicyRunOptions): Promise<PolicyEvalJson> {
  const runsRoot = options.runsRoot ?? join(runDir, '..');
  if (!(await runIsComplete(runDir))) throw new SteerableError('missing-run', `'${runDir}' has no finished policy run (summary.json is missing)`, { file: runDir, hint: 'train it with `steerable-train policy` first' });
  const np = await loadPolicyRun(runDir);
  if (np.config.kind !== 'np-dpo') throw new SteerableError('invalid-argument', `run '${runDir}' is ${np.config.kind}, not np-dpo`, { field: 'kind', hint: 'evaluate an NP-DPO run (its DPO baselines are loaded alongside it)' });
  const model = np.policy.model;
  const mixedDir = resolveRunDir(np.config.baseline ?? 'steerable-text-dpo-mixed', runsRoot);
  const mixed = (await loadPolicyRun(mixedDir, model)).policy;
  const baselines: Record<string, Policy> = {};
  for (const type of USER_TYPES) {
    const dir = resolveRunDir(`steerable-text-dpo-${type}`, runsRoot);
    if (await runIsComplete(dir)) baselines[`dpo-${type}`] = (await loadPolicyRun(dir, model)).policy;
  }
  options.onEvent?.({ type: 'phase', phase: 'eval', detail: `baselines: dpo-mixed${Object.keys(baselines).map((b) => `, ${b}`).join('')}` });
  const data = generateSteerableText(np.config.data);
  const test = data.pairs.filter((p) => p.split === 'test');
  const prepared = await preparePairs(np.policy, test, np.referenceDir, true);
  const testPairsByType: Record<string, EvalPair[]> = Object.fromEntries(USER_TYPES.map((t) => [t, prepared.filter((p) => p.type === t)]));
  const e = np.config.eval;
  const result = await evaluatePolicy({
    modelName: np.config.name,
    policy: np.policy,
    mixed,
    baselines,
    testPairsByType,
    oracles: Object.fromEntries(USER_TYPES.map((t) => [t, (y: readonly number[]) => oracleReward(t, y)])),
    config: {
      ks: e.ks,
      tasksPerType: e.tasksPerType,
      targetsPerTask: e.targetsPerTask,
      generationsPerType: e.generationsPerType,
      beta: np.config.dpo.beta,
      generation: { maxNewTokens: e.maxNewTokens, temperature: e.temperature, topP: e.topP, topK: 0, stopTokens: [TOKEN.eos] },
      padId: TOKEN.pad,
      seed: np.config.seed + 1000,
    },
  });
  await writeJsonAtomic(join(options.outDir, 'eval.json'), result);
  np.policy.dispose();
  mixed.dispose();
  for (const b of Object.values(baselines)) b.dispose();
  model.dispose();
  return result;
}

