// The NP-BTL training step the harness times: btl-reward's own model (createRewardModel, the
// product's defaults apart from the shape) and its own step (trainStep: objective, gradients,
// Adam, scalars read back), exactly what trainRewardModel runs per batch. The PyTorch reference
// (torch_reference.py) builds the same layers at the same shapes.
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { root } from './load.mjs';

export const PAPER = { name: 'np-btl-step-paper', inputDim: 4096, hidden: 256, heads: 8, batch: 64, targets: 20, context: 10, pairEncoder: 'linear' };
export const SYNTHETIC = { name: 'np-btl-step-synthetic', inputDim: 1, hidden: 256, heads: 8, batch: 64, targets: 20, context: 10, pairEncoder: 'mlp' };

async function loadBtlReward() {
  const file = `${root}packages/btl-reward/dist/index.js`;
  if (!existsSync(file)) throw new Error(`${file} is missing: run 'pnpm build' (pnpm bench builds first)`);
  return import(pathToFileURL(file).href);
}

export async function buildNpBtl({ tf, core }, shape, { seed = 0 } = {}) {
  const { createRewardModel, trainStep } = await loadBtlReward();
  const { Adam, Rng } = core;
  const { inputDim: D, hidden: H, heads, batch: B, targets: T, context: K } = shape;
  // batchNorm pinned to the paper's head: the PyTorch reference builds that architecture, and the
  // product's NP-BTL default (no head BatchNorm) would time slightly less work.
  const model = createRewardModel({
    kind: 'np-btl',
    inputDim: D,
    hiddenDim: H,
    numHeads: heads,
    pairEncoder: shape.pairEncoder,
    initSeed: seed,
    batchNorm: true,
  });
  model.train();
  const params = model.trainableParameters();
  const adam = new Adam(params, { lr: 1e-4, eps: 3e-5 });
  const rng = new Rng(seed + 2);
  const dataRng = new Rng(seed + 1);
  const make = (n) => tf.tensor(dataRng.fillNormal(new Float32Array(B * n * D)), [B, n, D]);
  const batch = { contextChosen: make(K), contextRejected: make(K), targetChosen: make(T), targetRejected: make(T) };

  let step = 0;
  const run = async () => (await trainStep(model, adam, params, batch, { rng, step: step++ })).loss;
  function dispose() {
    tf.dispose(Object.values(batch));
    adam.dispose();
    model.dispose();
  }
  return { step: run, dispose, parameterCount: params.reduce((n, [, p]) => n + p.size, 0), config: model.config };
}
