import { describe, expect, it } from 'vitest';
import { REWARD_PRESETS, REWARD_PRESET_DATA_HINTS, parseRewardRunConfig, trainingOptionsFromConfig } from '@steerable/btl-reward';
// The configurations the real-text experiments ran (scripts/experiments/real-text.mjs): the presets must be them.
import { CONFIGS, EVALUATION, FEATURIZER } from '../scripts/experiments/real-text-configs.mjs';

type ExperimentModel = { model: { kind: string; hiddenDim: number }; oracle?: boolean; training: Record<string, any> };

const withData = (name: string, seed?: number) => {
  const preset = structuredClone(REWARD_PRESETS[name]!) as Record<string, any>;
  if (preset.data.source === 'file') preset.data.path = 'pairs.jsonl';
  if (seed !== undefined) preset.seed = seed;
  return parseRewardRunConfig(preset);
};

const EXPECTED: Record<string, { dataset: 'dialsummeval' | 'relabeled-hh'; model: string; users?: string[] }> = {
  'dialsummeval-btl-mixed': { dataset: 'dialsummeval', model: 'btl-mixed' },
  ...Object.fromEntries(
    ['coherence', 'consistency', 'fluency', 'relevance'].map((c) => [`dialsummeval-btl-${c}`, { dataset: 'dialsummeval', model: 'btl-oracle', users: [c] }]),
  ),
  'dialsummeval-np-btl': { dataset: 'dialsummeval', model: 'np-btl' },
  'relabeled-hh-use-btl-mixed': { dataset: 'relabeled-hh', model: 'btl-mixed' },
  'relabeled-hh-use-btl-helpful': { dataset: 'relabeled-hh', model: 'btl-oracle', users: ['helpful'] },
  'relabeled-hh-use-btl-harmless': { dataset: 'relabeled-hh', model: 'btl-oracle', users: ['harmless'] },
  'relabeled-hh-use-np-btl': { dataset: 'relabeled-hh', model: 'np-btl' },
};

describe('real-text presets', () => {
  it.each(Object.entries(EXPECTED))('%s trains and evaluates as the experiment script did', (name, expected) => {
    const run = withData(name);
    const experiment = (CONFIGS as Record<string, { models: Record<string, ExperimentModel> }>)[expected.dataset]!.models[expected.model]!;
    expect(run.model).toMatchObject(experiment.model);
    expect(run.data).toMatchObject({ featurizer: FEATURIZER, seed: 0 });
    if (expected.dataset === 'dialsummeval')
      expect(run.data).toMatchObject({ source: 'file', where: { conflict: true }, splitBy: 'prompt', splitFractions: [0.6, 0.15, 0.25] });
    else expect(run.data).toMatchObject({ source: 'relabeled-hh', splitFractions: [0.5, 0.1, 0.4] });
    expect(run.training.users).toEqual(expected.users);
    const options = trainingOptionsFromConfig(run.training, run.evaluation, run.model.kind);
    const t = experiment.training;
    expect(options.epochs).toBe(t.epochs);
    // Every model draws the script's sampler, BTL included (it ignores the context it draws).
    expect(options.sampler).toMatchObject({ ...t.sampler, split: 'train', targetsIncludeContext: false });
    expect(options.sampler.tasksPerEpoch).toBeUndefined();
    expect(options.optimizer).toEqual({ maxGradNorm: null, ...t.optimizer });
    expect(options.evaluateEvery).toBe(t.evaluateEvery);
    expect(options.validation).toMatchObject({ ...t.validation, seed: 0 });
    expect(options.bestModel).toEqual(t.bestModel);
    expect(options.earlyStopping).toBeUndefined();
    expect(run.evaluation).toEqual({ ...EVALUATION, seed: 0 });
  });

  it('--seed S draws the split, the initialisation, the training tasks and the validation and evaluation tasks', () => {
    const run = withData('dialsummeval-np-btl', 2);
    expect([run.seed, run.data.seed, run.evaluation.seed]).toEqual([2, 2, 2]);
    expect(trainingOptionsFromConfig(run.training, run.evaluation, 'np-btl').validation?.seed).toBe(2);
    // Other presets keep one split and one set of evaluation tasks across seeds.
    const synthetic = parseRewardRunConfig({ ...REWARD_PRESETS['synthetic-np-btl']!, seed: 2 });
    expect([synthetic.seed, synthetic.data.seed, synthetic.evaluation.seed]).toEqual([2, 0, 1234]);
  });

  it("a context-free model trains without a context unless it is to draw the context models' tasks", () => {
    const run = withData('dialsummeval-btl-mixed');
    expect(trainingOptionsFromConfig({ ...run.training, sameTasksAsContextModels: false }, run.evaluation, 'btl').sampler.contextSize).toBe(0);
    expect(trainingOptionsFromConfig(run.training, run.evaluation, 'btl').sampler.contextSize).toEqual([0, 10]);
  });

  it('the DialSummEval presets say that the data are not shipped and how to pass them', () => {
    for (const name of Object.keys(EXPECTED).filter((n) => n.startsWith('dialsummeval-'))) {
      expect((REWARD_PRESETS[name]!.data as { path: string }).path).toBe('');
      expect(REWARD_PRESET_DATA_HINTS[name]).toMatch(/not shipped.*--data/);
    }
  });
});
