import * as tf from '@tensorflow/tfjs';
import { Rng, SteerableError } from '@steerable/core';
import { generate } from '../generation/generate.js';
import { buildSequenceBatch } from '../logprobs/sequence-batch.js';
import { type Policy, repeatPerTask } from '../policy/policy.js';
import { contextTensors, type NpDpoExample } from '../training/loops.js';
import { type MeanSem, meanSem } from './stats.js';

/** An evaluation pair: the observed (possibly noisy) label for context use, and the oracle's truth for scoring. */
export interface EvalPair extends NpDpoExample {
  oracleAgrees: boolean;
}

export interface PolicyEvalConfig {
  ks: number[];
  tasksPerType: number;
  targetsPerTask: number;
  /** Prompts per type that get generations (one per task, the first ones). */
  generationsPerType: number;
  beta: number;
  generation: { maxNewTokens: number; temperature: number; topP: number; topK: number; stopTokens: number[] };
  padId: number;
  seed: number;
}

/** The `steerable-eval policy` output contract (issue 5). */
export interface PolicyEvalJson {
  model: string;
  k: number[];
  implicit_accuracy: Record<string, Record<string, MeanSem>>;
  win_rate: Record<string, Record<string, MeanSem>>;
  oracle_reward: Record<string, Record<string, Record<string, MeanSem>>>;
  /** The first few generations per conditioning type and k (token ids), for inspection. */
  samples: Record<string, Record<string, number[][]>>;
  /** Baselines scored the same way (k-independent), for the note. */
  baselines: Record<string, { implicit_accuracy: Record<string, MeanSem>; oracle_reward: Record<string, MeanSem>; win_rate: Record<string, MeanSem> }>;
}

export interface PolicyEvalInputs {
  modelName: string;
  /** The NP-DPO policy (LoRA + FiLM + encoder). */
  policy: Policy;
  /** DPO-mixed, the generation baseline for win rates. */
  mixed: Policy;
  /** Other unconditional policies to score (e.g. DPO-<type> oracles), by name. */
  baselines?: Record<string, Policy>;
  testPairsByType: Record<string, readonly EvalPair[]>;
  oracles: Record<string, (response: readonly number[]) => number>;
  config: PolicyEvalConfig;
}

interface EvalTask {
  context: EvalPair[];
  targets: EvalPair[];
}

function buildTasks(pairs: readonly EvalPair[], count: number, contextSize: number, targets: number, rng: Rng): EvalTask[] {
  if (pairs.length < contextSize + targets) {
    throw new SteerableError('invalid-config', `${pairs.length} test pairs cannot give ${contextSize} context + ${targets} target pairs`, { field: 'eval.targetsPerTask', hint: 'use fewer targets or more test pairs' });
  }
  return Array.from({ length: count }, () => {
    const picked = rng.sampleIndices(pairs.length, contextSize + targets).map((i) => pairs[i]!);
    return { context: picked.slice(0, contextSize), targets: picked.slice(contextSize) };
  });
}

/** Implicit reward margin r(better) - r(worse) per target, better/worse by the oracle, rows task-major. */
async function implicitCorrect(policy: Policy, tasks: readonly EvalTask[], z: tf.Tensor2D | null, beta: number, padId: number): Promise<number[]> {
  const targets = tasks.flatMap((t) => t.targets);
  const better = targets.map((p) => (p.oracleAgrees ? { r: p.chosen, ref: p.referenceChosen } : { r: p.rejected, ref: p.referenceRejected }));
  const worse = targets.map((p) => (p.oracleAgrees ? { r: p.rejected, ref: p.referenceRejected } : { r: p.chosen, ref: p.referenceChosen }));
  const batch = buildSequenceBatch([...targets.map((p, i) => ({ prompt: p.prompt, response: better[i]!.r })), ...targets.map((p, i) => ({ prompt: p.prompt, response: worse[i]!.r }))], padId, policy.model.config.n_positions);
  const zRows = z ? tf.tidy(() => { const per = repeatPerTask(z, tasks[0]!.targets.length); return tf.concat([per, per], 0) as tf.Tensor2D; }) : null;
  const lp = policy.logProbs(batch, { lora: policy.adapters.lora !== null, z: zRows });
  const values = (await lp.data()) as Float32Array;
  tf.dispose([batch.ids, batch.labelMask, lp, ...(zRows ? [zRows] : [])]);
  const n = targets.length;
  return targets.map((_, i) => {
    const margin = beta * (values[i]! - better[i]!.ref) - beta * (values[n + i]! - worse[i]!.ref);
    return margin > 0 ? 1 : 0;
  });
}

/** Per prompt: 1 where ours scores higher under the oracle than theirs, 1/2 on a tie, else 0. */
export function winsAgainst(ours: readonly number[][], theirs: readonly number[][], oracle: (response: readonly number[]) => number): number[] {
  return ours.map((y, i) => {
    const a = oracle(y);
    const b = oracle(theirs[i]!);
    return a > b ? 1 : a === b ? 0.5 : 0;
  });
}

function perTaskMeans(correct: readonly number[], perTask: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < correct.length; i += perTask) out.push(correct.slice(i, i + perTask).reduce((s, v) => s + v, 0) / perTask);
  return out;
}

/**
 * Scores a steerable policy: implicit accuracy per user type vs k (held-out targets, never in the
 * context; labels from the oracle), generations conditioned on k context pairs scored by every
 * type's oracle, and win rates against DPO-mixed's generation for the same prompt (ties 1/2).
 */
export async function evaluatePolicy(inputs: PolicyEvalInputs): Promise<PolicyEvalJson> {
  const { policy, mixed, config } = inputs;
  const types = Object.keys(inputs.testPairsByType);
  const rng = new Rng(config.seed);
  const maxK = Math.max(...config.ks);
  const result: PolicyEvalJson = { model: inputs.modelName, k: config.ks, implicit_accuracy: {}, win_rate: {}, oracle_reward: {}, samples: {}, baselines: {} };
  const baselines: Record<string, Policy> = { 'dpo-mixed': mixed, ...(inputs.baselines ?? {}) };
  for (const name of Object.keys(baselines)) result.baselines[name] = { implicit_accuracy: {}, oracle_reward: {}, win_rate: {} };
  const genOptions = { ...config.generation };
  for (const type of types) {
    const tasks = buildTasks(inputs.testPairsByType[type]!, config.tasksPerType, maxK, config.targetsPerTask, rng);
    result.implicit_accuracy[type] = {};
    result.samples[type] = {};
    result.win_rate[type] = {};
    result.oracle_reward[type] = Object.fromEntries(types.map((t) => [t, {}]));
    const genTasks = tasks.slice(0, config.generationsPerType);
    const prompts = genTasks.map((t) => t.targets[0]!.prompt);
    // Unconditional baselines: one generation per prompt, same seed for every k.
    const baselineGenerations: Record<string, number[][]> = {};
    for (const [name, base] of Object.entries(baselines)) {
      const correct = await implicitCorrect(base, tasks, null, config.beta, config.padId);
      result.baselines[name]!.implicit_accuracy[type] = meanSem(perTaskMeans(correct, config.targetsPerTask));
      const gen = await generate(base.model, prompts, { ...genOptions, seed: config.seed + 1, adapters: { adapters: base.adapters, lora: base.adapters.lora !== null, z: null } });
      baselineGenerations[name] = gen.tokens;
      result.samples[type]![name] = gen.tokens.slice(0, 3);
      result.baselines[name]!.oracle_reward[type] = meanSem(gen.tokens.map((y) => inputs.oracles[type]!(y)));
    }
    // The same win rate for every baseline (a DPO-<type> oracle shows what an unconditional policy trained on one type can reach).
    for (const name of Object.keys(baselines)) {
      result.baselines[name]!.win_rate[type] = meanSem(winsAgainst(baselineGenerations[name]!, baselineGenerations['dpo-mixed']!, inputs.oracles[type]!));
    }
    for (const k of config.ks) {
      const { context } = contextTensors(tasks.map((t) => t.context.slice(0, k)), tasks[0]!.context[0]!.embeddingChosen.length);
      const z = policy.encode(context);
      const correct = await implicitCorrect(policy, tasks, z, config.beta, config.padId);
      result.implicit_accuracy[type]![String(k)] = meanSem(perTaskMeans(correct, config.targetsPerTask));
      const zGen = tf.slice(z, [0, 0], [genTasks.length, -1]) as tf.Tensor2D;
      const gen = await generate(policy.model, prompts, { ...genOptions, seed: config.seed + 2 + k, adapters: { adapters: policy.adapters, lora: policy.adapters.lora !== null, z: zGen } });
      tf.dispose([context.chosen, context.rejected, z, zGen]);
      result.samples[type]![String(k)] = gen.tokens.slice(0, 3);
      for (const scoredBy of types) result.oracle_reward[type]![scoredBy]![String(k)] = meanSem(gen.tokens.map((y) => inputs.oracles[scoredBy]!(y)));
      result.win_rate[type]![String(k)] = meanSem(winsAgainst(gen.tokens, baselineGenerations['dpo-mixed']!, inputs.oracles[type]!));
    }
  }
  return result;
}
