import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Malformed run configs (`--config FILE`), for the reward and the policy command. Each names the
 * field (or line, for broken JSON) the refusal must point at. Written by the CLI test only: the
 * schemas that catch them live in btl-reward, preference-data and conditioned-dpo.
 */
export interface ConfigCase {
  id: string;
  command: 'reward' | 'policy';
  /** The file's text, or a function writing it. */
  write: (file: string) => Promise<void>;
  /** What stderr must contain besides the file's path. */
  expect: RegExp;
}

const reward = { name: 'bad', data: { source: 'paper-synthetic', numPairs: 100 }, model: { kind: 'btl' } };
const policy = { name: 'bad', kind: 'sft' };
const json = (value: unknown) => async (file: string) => writeFile(file, JSON.stringify(value, null, 2));
const text = (value: string | Buffer) => async (file: string) => writeFile(file, value);
const rewardWith = (patch: (config: Record<string, any>) => void) => {
  const config = structuredClone(reward) as Record<string, any>;
  patch(config);
  return json(config);
};
const policyWith = (patch: (config: Record<string, any>) => void) => {
  const config = structuredClone(policy) as Record<string, any>;
  patch(config);
  return json(config);
};

export const CONFIG_CASES: ConfigCase[] = [
  { id: 'reward/empty-file', command: 'reward', write: text(''), expect: /not valid JSON/ },
  { id: 'reward/trailing-comma', command: 'reward', write: text('{\n  "name": "x",\n  "model": {"kind": "btl"},\n}'), expect: /:4: not valid JSON/ },
  { id: 'reward/array', command: 'reward', write: text('[1, 2]'), expect: /a run config is a JSON object/ },
  { id: 'reward/invalid-utf8', command: 'reward', write: text(Buffer.from([0x7b, 0x22, 0x6e, 0xff, 0x22, 0x7d])), expect: /not valid JSON|UTF-8/ },
  {
    id: 'reward/oversized',
    command: 'reward',
    write: async (file) => {
      await writeFile(file, '{}');
      await truncate(file, 2 << 20);
    },
    expect: /more than the 1048576 a config may have/,
  },
  {
    id: 'reward/unknown-top-key',
    command: 'reward',
    write: rewardWith((c) => {
      c.trainng = {};
    }),
    expect: /unknown key 'trainng'.*\n.*did you mean 'training'/,
  },
  {
    id: 'reward/unknown-model-key',
    command: 'reward',
    write: rewardWith((c) => {
      c.model.hiddenDims = 8;
    }),
    expect: /field 'model.hiddenDims'.*\n.*did you mean 'hiddenDim'/,
  },
  {
    id: 'reward/unknown-optimizer-key',
    command: 'reward',
    write: rewardWith((c) => {
      c.training = { optimizer: { learningRate: 1 } };
    }),
    expect: /field 'training.optimizer.learningRate'/,
  },
  {
    id: 'reward/beta1-old-shape',
    command: 'reward',
    write: rewardWith((c) => {
      c.training = { optimizer: { beta1: 0.8 } };
    }),
    expect: /unknown key 'beta1'.*\n.*did you mean 'betas'/,
  },
  {
    id: 'reward/betas-out-of-range',
    command: 'reward',
    write: rewardWith((c) => {
      c.training = { optimizer: { betas: [0.9, 1.5] } };
    }),
    expect: /field 'training.optimizer.betas.1'/,
  },
  {
    id: 'reward/lr-negative',
    command: 'reward',
    write: rewardWith((c) => {
      c.training = { optimizer: { lr: -1 } };
    }),
    expect: /field 'training.optimizer.lr'/,
  },
  {
    id: 'reward/lr-string',
    command: 'reward',
    write: rewardWith((c) => {
      c.training = { optimizer: { lr: '1e-3' } };
    }),
    expect: /field 'training.optimizer.lr'/,
  },
  {
    id: 'reward/epochs-zero',
    command: 'reward',
    write: rewardWith((c) => {
      c.training = { epochs: 0 };
    }),
    expect: /field 'training.epochs'/,
  },
  {
    id: 'reward/epochs-fraction',
    command: 'reward',
    write: rewardWith((c) => {
      c.training = { epochs: 1.5 };
    }),
    expect: /field 'training.epochs'/,
  },
  {
    id: 'reward/context-size-reversed',
    command: 'reward',
    write: rewardWith((c) => {
      c.training = { contextSize: [5, 1] };
    }),
    expect: /field 'training.contextSize'/,
  },
  {
    id: 'reward/unknown-model-kind',
    command: 'reward',
    write: rewardWith((c) => {
      c.model.kind = 'gpt';
    }),
    expect: /field 'model.kind'/,
  },
  {
    id: 'reward/unknown-data-source',
    command: 'reward',
    write: rewardWith((c) => {
      c.data = { source: 'huggingface', path: 'x' };
    }),
    expect: /field 'data.source'/,
  },
  {
    id: 'reward/unknown-data-key',
    command: 'reward',
    write: rewardWith((c) => {
      c.data.numPair = 10;
    }),
    expect: /field 'data.numPair'.*\n.*did you mean 'numPairs'/,
  },
  {
    id: 'reward/split-fractions-sum',
    command: 'reward',
    write: rewardWith((c) => {
      c.data.splitFractions = [0.5, 0.5, 0.5];
    }),
    expect: /field 'data.splitFractions'/,
  },
  {
    id: 'reward/unknown-featurizer',
    command: 'reward',
    write: rewardWith((c) => {
      c.data = { source: 'file', path: 'x.jsonl', featurizer: { kind: 'bert' } };
    }),
    expect: /field 'data.featurizer.kind'/,
  },
  {
    id: 'reward/file-without-path',
    command: 'reward',
    write: rewardWith((c) => {
      c.data = { source: 'file' };
    }),
    expect: /field 'data.path'/,
  },
  {
    id: 'reward/best-without-eval',
    command: 'reward',
    write: rewardWith((c) => {
      c.training = { loadBestModelAtEnd: true };
    }),
    expect: /field 'training.loadBestModelAtEnd'/,
  },
  {
    id: 'reward/best-metric-typo',
    command: 'reward',
    write: rewardWith((c) => {
      c.training = { evaluateEvery: 5, loadBestModelAtEnd: true, metricForBestModel: 'eval/acc' };
    }),
    expect: /field 'training.metricForBestModel'/,
  },
  {
    id: 'reward/on-non-finite',
    command: 'reward',
    write: rewardWith((c) => {
      c.training = { onNonFinite: 'ignore' };
    }),
    expect: /field 'training.onNonFinite'/,
  },
  {
    id: 'reward/name-missing',
    command: 'reward',
    write: rewardWith((c) => {
      delete c.name;
    }),
    expect: /field 'name'/,
  },
  {
    id: 'reward/evaluation-ks-negative',
    command: 'reward',
    write: rewardWith((c) => {
      c.evaluation = { ks: [-1] };
    }),
    expect: /field 'evaluation.ks.0'/,
  },
  {
    id: 'policy/unknown-kind',
    command: 'policy',
    write: policyWith((c) => {
      c.kind = 'ppo';
    }),
    expect: /field 'kind'/,
  },
  {
    id: 'policy/dpo-without-reference',
    command: 'policy',
    write: policyWith((c) => {
      c.kind = 'dpo';
    }),
    expect: /field 'reference'/,
  },
  {
    id: 'policy/unknown-dpo-key',
    command: 'policy',
    write: policyWith((c) => {
      c.dpo = { beta1: 0.1 };
    }),
    expect: /field 'dpo.beta1'.*\n.*did you mean 'beta'/,
  },
  {
    id: 'policy/loss-type',
    command: 'policy',
    write: policyWith((c) => {
      c.dpo = { lossType: 'hinge' };
    }),
    expect: /field 'dpo.lossType'/,
  },
  {
    id: 'policy/label-smoothing',
    command: 'policy',
    write: policyWith((c) => {
      c.dpo = { labelSmoothing: 0.7 };
    }),
    expect: /field 'dpo.labelSmoothing'/,
  },
  {
    id: 'policy/heads-divide-width',
    command: 'policy',
    write: policyWith((c) => {
      c.model = { n_embd: 10, n_head: 4 };
    }),
    expect: /field 'model.n_head'/,
  },
  {
    id: 'policy/positions-too-short',
    command: 'policy',
    write: policyWith((c) => {
      c.model = { n_positions: 8 };
    }),
    expect: /field 'model.n_positions'/,
  },
  {
    id: 'policy/template-too-short',
    command: 'policy',
    write: policyWith((c) => {
      c.template = { maxPromptLength: 10, maxLength: 10 };
    }),
    expect: /field 'template.maxLength'/,
  },
  {
    id: 'policy/unknown-data-key',
    command: 'policy',
    write: policyWith((c) => {
      c.data = { source: 'steerable-text', labelNoize: 0.1 };
    }),
    expect: /field 'data.labelNoize'.*\n.*did you mean 'labelNoise'/,
  },
  {
    id: 'policy/label-noise',
    command: 'policy',
    write: policyWith((c) => {
      c.data = { source: 'steerable-text', labelNoise: 0.6 };
    }),
    expect: /field 'data.labelNoise'/,
  },
  {
    id: 'policy/context-featurizer',
    command: 'policy',
    write: policyWith((c) => {
      c.contextFeaturizer = { kind: 'bert' };
    }),
    expect: /field 'contextFeaturizer/,
  },
  {
    id: 'policy/np-dpo-context-reversed',
    command: 'policy',
    write: policyWith((c) => {
      c.npDpo = { contextSize: [4, 1] };
    }),
    expect: /field 'npDpo.contextSize'/,
  },
  {
    id: 'policy/lora-rank-zero',
    command: 'policy',
    write: policyWith((c) => {
      c.dpo = { lora: { rank: 0 } };
    }),
    expect: /field 'dpo.lora.rank'/,
  },
  {
    id: 'policy/judge',
    command: 'policy',
    write: policyWith((c) => {
      c.eval = { judge: 'gpt-4' };
    }),
    expect: /field 'eval.judge'/,
  },
];

export const configFile = (dir: string, testCase: ConfigCase) => join(dir, `${testCase.id.replace(/\W+/g, '-')}.json`);
