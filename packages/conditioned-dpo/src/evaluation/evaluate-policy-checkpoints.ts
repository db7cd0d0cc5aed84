import { Rng, SteerableError, disposeCheckpoint, loadCheckpoint } from '@steerable/core';
import { type PreferencePair, embedTextPairs } from '@steerable/preference-data';
import { type PolicyRunConfig, parsePolicyRunConfig } from '../config/policy-run-config.js';
import { policyTextPairs } from '../data/load-policy-pairs.js';
import { tokenizePolicyData } from '../data/policy-dataset.js';
import { promptTemplate } from '../data/prompt-template.js';
import { subsetText } from '../data/subset-text.js';
import { loadGpt2Pretrained } from '../io/hf-checkpoint.js';
import { loadTokenizer } from '../io/tokenizer.js';
import type { Gpt2LMHeadModel } from '../model/gpt2-model.js';
import { Policy } from '../policy/policy.js';
import { buildAdapters, buildEncoder, contextFeaturizer, loadPolicyWeights, policyCheckpointKind, preferenceExamples } from '../training/train-policy.js';
import { type PolicyEvalJson, evaluatePolicy } from './evaluate-policy.js';
import { preferenceJudge } from './judges.js';

/** A DPO / NP-DPO checkpoint on a shared base model: the run's config and the policy (eval mode). */
export async function loadPolicyCheckpoint(dir: string, model: Gpt2LMHeadModel): Promise<{ config: PolicyRunConfig; policy: Policy }> {
  const checkpoint = await loadCheckpoint(dir);
  try {
    const config = parsePolicyRunConfig(checkpoint.manifest.model.config, `${dir}/manifest.json`);
    if (config.kind === 'sft' || checkpoint.manifest.model.kind !== policyCheckpointKind(config.kind)) {
      throw new SteerableError('bad-checkpoint', `${dir} holds a '${checkpoint.manifest.model.kind}', not a DPO or NP-DPO policy`, {
        file: `${dir}/manifest.json`,
        field: 'model.kind',
        hint: 'point at a dpo or np-dpo run',
      });
    }
    const contextDim = (checkpoint.manifest.extra as { contextDim?: number }).contextDim;
    const rng = new Rng(0);
    const encoder = config.kind === 'np-dpo' ? buildEncoder(config, contextDim ?? model.config.n_embd, rng) : null;
    const policy = new Policy(model, buildAdapters(config, model, rng), encoder);
    loadPolicyWeights(policy, checkpoint.weights, `${dir}/weights.safetensors`);
    policy.train(false);
    return { config, policy };
  } finally {
    disposeCheckpoint(checkpoint);
  }
}

export interface EvaluatePolicyCheckpointsOptions {
  /** Written into eval.json. */
  modelName: string;
  /** The NP-DPO run's checkpoint (its config is in the manifest). */
  checkpoint: string;
  /** The SFT model all the policies adapt (config.json, model.safetensors, tokenizer.json). */
  referenceModelDir: string;
  /** Unconditional policies by name (`dpo-mixed` first: the win rates' baseline), as checkpoint directories. */
  baselines: Record<string, string>;
  /** The run's preference pairs (its test split is scored). */
  pairs: readonly PreferencePair[];
  /** Where reference log-probs are cached. */
  cacheDir: string;
  /** The split scored: 'test' (default), or 'validation' while choosing hyperparameters. */
  split?: 'validation' | 'test';
  /** Overrides the config's judge ('steerable-text', or null for labels only). */
  judge?: string | null;
}

/** Loads an NP-DPO checkpoint and its baselines on one base model and scores them on the test split. */
export async function evaluatePolicyCheckpoints(options: EvaluatePolicyCheckpointsOptions): Promise<PolicyEvalJson> {
  const model = await loadGpt2Pretrained(options.referenceModelDir);
  const tokenizer = await loadTokenizer(options.referenceModelDir);
  model.setTrainable(false);
  const loaded: Policy[] = [];
  try {
    const { config, policy } = await loadPolicyCheckpoint(options.checkpoint, model);
    loaded.push(policy);
    if (config.kind !== 'np-dpo')
      throw new SteerableError('invalid-argument', `${options.checkpoint} is a ${config.kind} run, not np-dpo`, {
        field: 'kind',
        hint: 'evaluate an NP-DPO run; its DPO baselines are loaded alongside it',
      });
    const baselines: Record<string, Policy> = {};
    for (const [name, dir] of Object.entries(options.baselines)) {
      const baseline = (await loadPolicyCheckpoint(dir, model)).policy;
      loaded.push(baseline);
      baselines[name] = baseline;
    }
    const template = promptTemplate(tokenizer, config.template);
    const split = options.split ?? 'test';
    const test = subsetText(policyTextPairs(options.pairs, config.data), [split]);
    if (test.labels.length === 0) {
      const hint = `give the file a split column with ${split} rows, or set data.splitFractions`;
      throw new SteerableError('not-enough-labels', `the data has no ${split} split to evaluate on`, { field: 'data', hint });
    }
    const dataset = tokenizePolicyData(test, tokenizer, template);
    const examples = await preferenceExamples(policy, dataset, options.cacheDir);
    const embedded = await embedTextPairs(test, await contextFeaturizer(config, model, tokenizer, template));
    const judgeName = options.judge === undefined ? config.eval.judge : options.judge;
    return await evaluatePolicy({
      modelName: options.modelName,
      policy,
      baselines,
      dataset,
      examples,
      embedded,
      tokenizer,
      judge: judgeName ? preferenceJudge(judgeName) : null,
      config: config.eval,
      beta: config.dpo.beta,
      seed: config.seed + 1000,
      split,
    });
  } finally {
    for (const policy of loaded) policy.dispose();
    model.dispose();
  }
}
