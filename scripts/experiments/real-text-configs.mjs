// The configurations of the real-text experiments, one per (dataset, model): what the CLI presets
// dialsummeval-btl-mixed, dialsummeval-btl-<criterion>, dialsummeval-np-btl and relabeled-hh-use-*
// are made from. Hyperparameters were chosen on the validation split only.

/** USE-lite with the default recipe [e(r), e(r) * e(p), log(1 + chars(r))] and its 128-token cut. */
export const FEATURIZER = { kind: 'use-lite', maxTokens: 128, batchSize: 32 };

/** Held-out evaluation: accuracy on T = 20 targets per task vs k, 500 tasks per user, targets disjoint from the context. */
export const EVALUATION = { split: 'test', ks: [0, 1, 3, 5, 10], numTargets: 20, tasksPerUser: 500 };

const sampler = { batchSize: 64, numTargets: 20, contextSize: [0, 10] };
const adam = (lr) => ({ kind: 'adam', lr, eps: 3e-5, betas: [0.9, 0.999], weightDecay: 0 });
// Best-on-validation weights: episodic training swings by points between evaluations.
const selection = (metric) => ({
  evaluateEvery: 20,
  validation: { split: 'validation', ks: EVALUATION.ks, numTargets: 20, tasksPerUser: 100 },
  bestModel: { metric },
});

// DialSummEval (validation, seeds 0-1, 12 dialogues): NP-BTL at lr 1e-3 / H 64 / 10 epochs reached
// 70.3 at k = 10 (seed 0), lr 3e-4 / 20 epochs 72.6, AdamW 0.01 71.8, H 128 / lr 3e-4 / 20 epochs
// 73.3; the latent variant collapsed to one reward on one seed. BTL at lr 1e-3 peaked at the first
// evaluation (step 20), so BTL takes lr 3e-4 too; it needs fewer epochs than NP-BTL (its best step
// comes early), and every BTL (mixed and the per-criterion oracles) has the same config.
const dialsummevalBtl = { model: { kind: 'btl', hiddenDim: 128 }, training: { epochs: 10, sampler, optimizer: adam(3e-4), ...selection('eval/accuracy') } };

const relabeledHhBtl = { ...dialsummevalBtl, training: { ...dialsummevalBtl.training, epochs: 20 } };

export const CONFIGS = {
  dialsummeval: {
    // Oracles are the same BTL trained on one criterion's labels only ('oracle' expands per user).
    models: {
      'btl-mixed': dialsummevalBtl,
      'btl-oracle': { ...dialsummevalBtl, oracle: true },
      'np-btl': { model: { kind: 'np-btl', hiddenDim: 128 }, training: { epochs: 20, sampler, optimizer: adam(3e-4), ...selection('eval/accuracy') } },
    },
  },
  // Relabeled HH (validation, seeds 0-1): the DialSummEval configs gave NP-BTL 57.8 / 59.3 (harmless /
  // helpful) at k = 10 against BTL-mixed 50.5 / 57.6; H 64 / lr 1e-3 / 15 epochs 57.9 / 59.7 against
  // 54.8 / 56.0 with three to seven times the seed spread. So DialSummEval's configs, BTL trained
  // 20 epochs as validated (an epoch is 24 steps here, 31 there; BTL-mixed's best came at step 140).
  'relabeled-hh': {
    models: {
      'btl-mixed': relabeledHhBtl,
      'btl-oracle': { ...relabeledHhBtl, oracle: true },
      'np-btl': { model: { kind: 'np-btl', hiddenDim: 128 }, training: { epochs: 20, sampler, optimizer: adam(3e-4), ...selection('eval/accuracy') } },
    },
  },
};
