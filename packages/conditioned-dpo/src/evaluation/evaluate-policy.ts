import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { type EmbeddedPairSet, type Task, buildTaskBatch, evaluationTaskSet } from '@steerable/preference-data';
import type { PolicyEvaluationConfig } from '../config/policy-run-config.js';
import type { PolicyDataset } from '../data/policy-dataset.js';
import { labelExamples } from '../data/policy-dataset.js';
import { generate } from '../generation/generate.js';
import type { TextTokenizer } from '../io/tokenizer.js';
import { type Policy, repeatPerTask } from '../policy/policy.js';
import { batchedLogProbs } from '../training/batched.js';
import type { PreferenceExamples } from '../training/loops.js';
import type { PreferenceJudge } from './judges.js';
import { type MeanSem, meanSem } from './stats.js';

const meanSemSchema = z.strictObject({ mean: z.number().nullable(), sem: z.number().nullable(), n: z.number().int().min(0) });
const byK = z.record(z.string(), meanSemSchema);

/** The `steerable-eval policy` eval.json contract; validated before it is written. */
export const policyEvalSchema = z.strictObject({
  model: z.string(),
  /** The split scored: 'test' (held out), or 'validation' while choosing hyperparameters. */
  split: z.enum(['validation', 'test']).default('test'),
  k: z.array(z.number().int().min(0)),
  /** The judge that gave the truth of held-out pairs and scored generations, or null (labels only). */
  judge: z.string().nullable(),
  /** Implicit accuracy per user type and k: held-out targets, never in the context. */
  implicit_accuracy: z.record(z.string(), byK),
  /** Win rate of the policy's generations against DPO-mixed's for the same prompt, per user type and k (judge only). */
  win_rate: z.record(z.string(), byK),
  /** Judge rewards of generations conditioned on users of one type (outer key), scored for every type (inner key). */
  oracle_reward: z.record(z.string(), z.record(z.string(), byK)),
  /** A few generations per conditioning type and k (text), for inspection. */
  samples: z.record(z.string(), z.record(z.string(), z.array(z.string()))),
  /** Unconditional policies scored the same way (k-independent). */
  baselines: z.record(
    z.string(),
    z.strictObject({
      implicit_accuracy: z.record(z.string(), meanSemSchema),
      oracle_reward: z.record(z.string(), meanSemSchema),
      win_rate: z.record(z.string(), meanSemSchema),
    }),
  ),
});
export type PolicyEvalJson = z.infer<typeof policyEvalSchema>;

export interface PolicyEvalInputs {
  modelName: string;
  /** The NP-DPO policy (LoRA + FiLM + encoder). */
  policy: Policy;
  /** Unconditional policies by name; `dpo-mixed` is the generation baseline of the win rates. */
  baselines: Record<string, Policy>;
  /** The test pairs, tokenized, with reference log-probs, and embedded for the context encoder. */
  dataset: PolicyDataset;
  examples: PreferenceExamples;
  embedded: EmbeddedPairSet;
  tokenizer: TextTokenizer;
  judge: PreferenceJudge | null;
  config: PolicyEvaluationConfig;
  beta: number;
  seed: number;
  /** The split of `embedded` whose tasks are scored (default 'test'). */
  split?: 'validation' | 'test';
}

/** Whether a held-out pair's recorded choice is right: its label, or the judge's reward for that user. */
function labelIsTrue(inputs: PolicyEvalInputs, label: number): boolean {
  if (!inputs.judge) return true;
  const { user, pair } = inputs.dataset.text.labels[label]!;
  const text = inputs.dataset.text.pairs[pair]!;
  const { preferred } = labelExamples(inputs.dataset, label);
  const [chosen, rejected] = preferred === 0 ? [text.a, text.b] : [text.b, text.a];
  const a = inputs.judge.reward(user, text.prompt, chosen, true);
  const b = inputs.judge.reward(user, text.prompt, rejected, true);
  return a === null || b === null ? true : a > b;
}

/**
 * Per target (task-major): 1 when the implicit reward ranks the truly better response first.
 * Scored in mini-batches: all targets at once hold [2 * targets, T, vocab] logits, which for
 * 200 tasks of 8 targets and a 1,400-word vocabulary outgrows the wasm heap.
 */
async function implicitCorrect(inputs: PolicyEvalInputs, policy: Policy, tasks: readonly Task[], z: tf.Tensor2D | null): Promise<number[]> {
  const labels = tasks.flatMap((task) => task.targets);
  const { examples, dataset } = inputs;
  const sequences = [...labels.map((l) => examples.chosen(l)), ...labels.map((l) => examples.rejected(l))];
  const zRows = z
    ? tf.tidy(() => {
        const per = repeatPerTask(z, tasks[0]!.targets.length);
        return tf.concat([per, per], 0) as tf.Tensor2D;
      })
    : null;
  let values: Float32Array;
  try {
    values = await batchedLogProbs(policy, sequences, { lora: policy.adapters.lora !== null, z: zRows }, dataset.template.pad);
  } finally {
    zRows?.dispose();
  }
  const n = labels.length;
  return labels.map((label, i) => {
    const margin = inputs.beta * (values[i]! - examples.referenceChosen(label)) - inputs.beta * (values[n + i]! - examples.referenceRejected(label));
    return margin > 0 === labelIsTrue(inputs, label) ? 1 : 0;
  });
}

function perTaskMeans(correct: readonly number[], perTask: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < correct.length; i += perTask) out.push(correct.slice(i, i + perTask).reduce((s, v) => s + v, 0) / perTask);
  return out;
}

/** Per prompt: 1 where ours scores higher under the judge than theirs, 1/2 on a tie, else 0. */
export function winsAgainst(ours: readonly number[], theirs: readonly number[]): number[] {
  return ours.map((a, i) => (a > theirs[i]! ? 1 : a === theirs[i]! ? 0.5 : 0));
}

interface Generations {
  texts: string[];
  rewards: Record<string, number[]>;
}

async function generateAndJudge(
  inputs: PolicyEvalInputs,
  policy: Policy,
  prompts: readonly { ids: number[]; text: string }[],
  z: tf.Tensor2D | null,
  seed: number,
  users: readonly string[],
): Promise<Generations> {
  const { config, dataset, tokenizer, judge } = inputs;
  const out = await generate(
    policy.model,
    prompts.map((p) => p.ids),
    {
      maxNewTokens: config.maxNewTokens,
      temperature: config.temperature,
      topP: config.topP,
      topK: 0,
      stopTokens: [dataset.template.eos],
      seed,
      adapters: { adapters: policy.adapters, lora: policy.adapters.lora !== null, z },
    },
  );
  const texts = out.tokens.map((tokens) =>
    tokenizer.decode(
      tokens.filter((t) => t !== dataset.template.eos),
      { skipSpecialTokens: true },
    ),
  );
  const rewards: Record<string, number[]> = {};
  for (const user of users) rewards[user] = texts.map((text, i) => judge!.reward(user, prompts[i]!.text, text, out.finished[i]!) ?? Number.NaN);
  return { texts, rewards };
}

/**
 * Scores a steerable policy on held-out pairs: implicit accuracy per user type vs k (targets never
 * in the context; truth from the judge when there is one, else the labels), and with a judge,
 * generations conditioned on k context pairs scored for every user type, and win rates against
 * DPO-mixed's generation for the same prompt (ties 1/2).
 */
export async function evaluatePolicy(inputs: PolicyEvalInputs): Promise<PolicyEvalJson> {
  const { policy, config, embedded, dataset } = inputs;
  const maxK = Math.max(...config.ks);
  const split = inputs.split ?? 'test';
  const { tasks } = evaluationTaskSet(embedded, {
    split,
    contextSize: maxK,
    numTargets: config.targetsPerTask,
    tasksPerUser: config.tasksPerType,
    seed: inputs.seed,
    tooFewLabels: 'skip',
  });
  const users = [...new Set(tasks.map((task) => task.user))];
  const judgeUsers = inputs.judge ? users.filter((user) => inputs.judge!.reward(user, '', '', true) !== null) : [];
  const result: PolicyEvalJson = {
    model: inputs.modelName,
    split,
    k: config.ks,
    judge: inputs.judge?.name ?? null,
    implicit_accuracy: {},
    win_rate: {},
    oracle_reward: {},
    samples: {},
    baselines: {},
  };
  for (const name of Object.keys(inputs.baselines)) result.baselines[name] = { implicit_accuracy: {}, oracle_reward: {}, win_rate: {} };
  const generating = judgeUsers.length > 0 && config.generationsPerType > 0;
  for (const [u, user] of users.entries()) {
    const userTasks = tasks.filter((task) => task.user === user);
    result.implicit_accuracy[user] = {};
    result.samples[user] = {};
    const genTasks = userTasks.slice(0, generating ? config.generationsPerType : 0);
    const prompts = genTasks.map((task) => {
      const label = task.targets[0]!;
      return { ids: [...inputs.examples.chosen(label).prompt], text: dataset.text.pairs[dataset.text.labels[label]!.pair]!.prompt };
    });
    const baselineRewards: Record<string, number[]> = {};
    for (const [name, baseline] of Object.entries(inputs.baselines)) {
      const correct = await implicitCorrect(inputs, baseline, userTasks, null);
      result.baselines[name]!.implicit_accuracy[user] = meanSem(perTaskMeans(correct, config.targetsPerTask));
      if (generating) {
        const gen = await generateAndJudge(inputs, baseline, prompts, null, inputs.seed + 1 + u, judgeUsers);
        baselineRewards[name] = gen.rewards[user] ?? [];
        result.samples[user]![name] = gen.texts.slice(0, 3);
        if (gen.rewards[user]) result.baselines[name]!.oracle_reward[user] = meanSem(gen.rewards[user]!);
      }
    }
    if (generating) {
      result.win_rate[user] = {};
      result.oracle_reward[user] = Object.fromEntries(judgeUsers.map((scoredBy) => [scoredBy, {}]));
      const reference = baselineRewards['dpo-mixed'];
      for (const name of Object.keys(inputs.baselines))
        if (reference) result.baselines[name]!.win_rate[user] = meanSem(winsAgainst(baselineRewards[name]!, reference));
    }
    for (const k of config.ks) {
      const prefix = userTasks.map((task) => ({ ...task, context: task.context.slice(0, k) }));
      const batch = buildTaskBatch(embedded, prefix);
      const context = {
        chosen: tf.tensor3d(batch.contextChosen, [batch.batchSize, k, batch.dim]),
        rejected: tf.tensor3d(batch.contextRejected, [batch.batchSize, k, batch.dim]),
      };
      const zAll = policy.encode(context);
      const correct = await implicitCorrect(inputs, policy, userTasks, zAll);
      result.implicit_accuracy[user]![String(k)] = meanSem(perTaskMeans(correct, config.targetsPerTask));
      if (generating) {
        const zGen = tf.slice(zAll, [0, 0], [genTasks.length, -1]) as tf.Tensor2D;
        const gen = await generateAndJudge(inputs, policy, prompts, zGen, inputs.seed + 100 * (k + 1) + u, judgeUsers);
        zGen.dispose();
        result.samples[user]![String(k)] = gen.texts.slice(0, 3);
        for (const scoredBy of judgeUsers) result.oracle_reward[user]![scoredBy]![String(k)] = meanSem(gen.rewards[scoredBy]!);
        if (baselineRewards['dpo-mixed'] && gen.rewards[user])
          result.win_rate[user]![String(k)] = meanSem(winsAgainst(gen.rewards[user]!, baselineRewards['dpo-mixed']));
      }
      tf.dispose([context.chosen, context.rejected, zAll]);
    }
  }
  return policyEvalSchema.parse(jsonSafe(result));
}

/** NaN (an empty statistic) becomes null, which JSON can hold. */
function jsonSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))) as T;
}

export type { MeanSem };
