import * as tf from '@tensorflow/tfjs';
import { Adam, type Rng, SteerableError, disposeGradients, valueAndGradients } from '@steerable/core';
import type { Gpt2LMHeadModel } from '../model/gpt2-model.js';
import { buildSequenceBatch, type TokenizedExample } from '../logprobs/sequence-batch.js';
import { sftLoss } from '../losses/sft.js';
import { type DpoLossConfig, type DpoMetrics, dpoLosses, dpoMetrics, rpoTerm } from '../losses/dpo.js';
import { npDpoLoss } from '../losses/np-dpo.js';
import type { Policy } from '../policy/policy.js';
import type { TrainHooks } from './events.js';

export interface OptimConfig {
  lr: number;
  eps: number;
  maxGradNorm?: number;
}

/** Where a resumed run picks up: the last finished step and the optimizer state saved with it. */
export interface ResumePoint {
  step: number;
  optimizer: { step: number; tensors: Map<string, tf.Tensor> };
}

/** Called every `every` steps and after the last one, with the live optimizer (for its state). */
export interface CheckpointHook {
  every: number;
  save: (step: number, optimizer: Adam) => Promise<void>;
}

async function maybeCheckpoint(hook: CheckpointHook | undefined, step: number, total: number, optimizer: Adam): Promise<void> {
  if (hook && (step === total || (hook.every > 0 && step % hook.every === 0))) await hook.save(step, optimizer);
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SteerableError('aborted', 'training was interrupted', { hint: 'resume from the last checkpoint' });
}

/** Full-parameter SFT of the base LM on response tokens (prompt excluded from the loss). */
export async function trainSft(model: Gpt2LMHeadModel, examples: readonly TokenizedExample[], config: { epochs: number; batchSize: number; optim: OptimConfig; padId: number; rng: Rng }, hooks: TrainHooks = {}): Promise<{ loss: number }> {
  model.setTrainable(true);
  const params = model.namedParameters();
  const adam = new Adam(params, { lr: config.optim.lr, eps: config.optim.eps, ...(config.optim.maxGradNorm ? { maxGradNorm: config.optim.maxGradNorm } : {}) });
  const stepsPerEpoch = Math.ceil(examples.length / config.batchSize);
  const total = stepsPerEpoch * config.epochs;
  let step = 0;
  let last = Number.NaN;
  try {
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      const order = config.rng.shuffle(examples.map((_, i) => i));
      for (let s = 0; s < stepsPerEpoch; s++) {
        checkAbort(hooks.signal);
        const batch = buildSequenceBatch(order.slice(s * config.batchSize, (s + 1) * config.batchSize).map((i) => examples[i]!), config.padId, model.config.n_positions);
        const { value, grads } = valueAndGradients(() => tf.tidy(() => sftLoss(model.forward(batch.ids).logits, batch.ids, batch.labelMask)), params);
        adam.apply(grads);
        last = (await value.data())[0]!;
        tf.dispose([value, batch.ids, batch.labelMask]);
        disposeGradients(grads);
        step++;
        hooks.onEvent?.({ type: 'step', phase: 'sft', step, totalSteps: total, metrics: { loss: last, epoch } });
      }
    }
  } finally {
    adam.dispose();
    model.setTrainable(false);
  }
  return { loss: last };
}

/** One DPO training pair with its cached reference log-probs. */
export interface DpoExample {
  prompt: readonly number[];
  chosen: readonly number[];
  rejected: readonly number[];
  referenceChosen: number;
  referenceRejected: number;
}

/** Rows chosen first then rejected, as one batch. */
function pairBatch(pairs: readonly DpoExample[], padId: number, maxLength: number) {
  return {
    targets: buildSequenceBatch([...pairs.map((p) => ({ prompt: p.prompt, response: p.chosen })), ...pairs.map((p) => ({ prompt: p.prompt, response: p.rejected }))], padId, maxLength),
    referenceChosen: tf.tensor1d(pairs.map((p) => p.referenceChosen)),
    referenceRejected: tf.tensor1d(pairs.map((p) => p.referenceRejected)),
  };
}

/**
 * The logged metrics with the RPO term in: `loss` is the optimised objective (DPO + rpo_alpha *
 * nll_loss), `loss/dpo` the DPO part alone, `nll_loss` (TRL's name) the chosen responses' mean
 * per-token NLL. Derived from the batch's mean log pi(chosen), so no extra tensor is read.
 */
export function withRpoMetrics(metrics: DpoMetrics, chosen: readonly DpoExample[], rpoAlpha: number): Record<string, number> {
  const tokens = chosen.reduce((s, p) => s + p.chosen.length, 0);
  const nll = (-metrics['logps/chosen'] * chosen.length) / Math.max(1, tokens);
  return { ...metrics, 'loss/dpo': metrics.loss, nll_loss: nll, loss: metrics.loss + rpoAlpha * nll };
}

/** Plain DPO (LoRA only, FiLM off): the DPO-mixed and DPO-<type> baselines. */
export async function trainDpo(policy: Policy, pairs: readonly DpoExample[], config: { steps: number; batchSize: number; loss: DpoLossConfig; optim: OptimConfig; padId: number; rng: Rng; checkpoint?: CheckpointHook; resume?: ResumePoint }, hooks: TrainHooks = {}): Promise<Record<string, number>> {
  const params = policy.adapters.namedParameters('adapters.').filter(([n]) => n.includes('.lora.'));
  const adam = new Adam(params, { lr: config.optim.lr, eps: config.optim.eps, ...(config.optim.maxGradNorm ? { maxGradNorm: config.optim.maxGradNorm } : {}) });
  if (config.resume) adam.loadStateDict(config.resume.optimizer);
  let metrics: Record<string, number> = {};
  policy.train(true);
  try {
    for (let step = (config.resume?.step ?? 0) + 1; step <= config.steps; step++) {
      checkAbort(hooks.signal);
      const chosen = config.rng.sampleIndices(pairs.length, Math.min(config.batchSize, pairs.length)).map((i) => pairs[i]!);
      const b = pairBatch(chosen, config.padId, policy.model.config.n_positions);
      let logps: { policyChosen: tf.Tensor1D; policyRejected: tf.Tensor1D } | null = null;
      let losses: tf.Tensor1D | null = null;
      const { value, grads } = valueAndGradients(() => {
        const lp = policy.logProbs(b.targets, { lora: true, z: null, training: true, rng: config.rng });
        const [pc, pr] = tf.split(lp, 2) as [tf.Tensor1D, tf.Tensor1D];
        const l = dpoLosses({ policyChosen: pc, policyRejected: pr, referenceChosen: b.referenceChosen, referenceRejected: b.referenceRejected }, config.loss);
        logps = { policyChosen: tf.keep(pc), policyRejected: tf.keep(pr) };
        losses = tf.keep(l);
        const mean = tf.mean(l) as tf.Scalar;
        if (!config.loss.rpoAlpha) return mean;
        return tf.add(mean, rpoTerm(pc, tf.sum(tf.slice(b.targets.labelMask, [0, 0], [chosen.length, -1])) as tf.Scalar, config.loss.rpoAlpha)) as tf.Scalar;
      }, params);
      adam.apply(grads);
      const lp = logps!;
      metrics = withRpoMetrics(await dpoMetrics({ ...lp, referenceChosen: b.referenceChosen, referenceRejected: b.referenceRejected }, losses!, config.loss.beta), chosen, config.loss.rpoAlpha ?? 0);
      tf.dispose([value, b.targets.ids, b.targets.labelMask, b.referenceChosen, b.referenceRejected, lp.policyChosen, lp.policyRejected, losses!]);
      disposeGradients(grads);
      hooks.onEvent?.({ type: 'step', phase: 'dpo', step, totalSteps: config.steps, metrics });
      await maybeCheckpoint(config.checkpoint, step, config.steps, adam);
    }
  } finally {
    adam.dispose();
    policy.train(false);
  }
  return metrics;
}

/** A pair usable as NP-DPO context or target: DPO fields plus the embeddings of both options. */
export interface NpDpoExample extends DpoExample {
  embeddingChosen: Float32Array;
  embeddingRejected: Float32Array;
}

export interface NpDpoTrainConfig {
  steps: number;
  tasksPerBatch: number;
  /** k ~ UniformInt[0, maxContext] per batch (the paper: 6). */
  maxContext: number;
  /** Target pairs per task (the paper: 9). */
  targetsPerTask: number;
  loss: DpoLossConfig;
  optim: OptimConfig;
  padId: number;
  rng: Rng;
  checkpoint?: CheckpointHook;
  resume?: ResumePoint;
}

/**
 * Builds one NP-DPO batch: each task is a user of one type; its k context pairs and T target
 * pairs are disjoint draws from that type's pairs.
 */
export function sampleNpDpoBatch(pairsByType: ReadonlyArray<readonly NpDpoExample[]>, k: number, config: Pick<NpDpoTrainConfig, 'tasksPerBatch' | 'targetsPerTask' | 'padId' | 'rng'>, maxLength: number) {
  const { rng } = config;
  const context: NpDpoExample[][] = [];
  const targets: NpDpoExample[] = [];
  for (let b = 0; b < config.tasksPerBatch; b++) {
    const pool = pairsByType[rng.int(0, pairsByType.length - 1)]!;
    if (pool.length < k + config.targetsPerTask) throw new SteerableError('invalid-config', `a user type has ${pool.length} training pairs, fewer than k + T = ${k + config.targetsPerTask}`, { field: 'npDpo.targetsPerTask' });
    const picked = rng.sampleIndices(pool.length, k + config.targetsPerTask).map((i) => pool[i]!);
    context.push(picked.slice(0, k));
    targets.push(...picked.slice(k));
  }
  const dim = pairsByType[0]?.[0]?.embeddingChosen.length ?? 0;
  return { ...contextTensors(context, dim), ...pairBatch(targets, config.padId, maxLength), pairsPerTask: config.targetsPerTask, targetPairs: targets };
}

/** Context sets [B, k, D] (chosen, rejected) from embedded pairs. */
export function contextTensors(context: ReadonlyArray<readonly NpDpoExample[]>, dim: number): { context: { chosen: tf.Tensor3D; rejected: tf.Tensor3D } } {
  const b = context.length;
  const k = context[0]?.length ?? 0;
  const d = dim;
  const chosen = new Float32Array(b * k * d);
  const rejected = new Float32Array(b * k * d);
  context.forEach((set, i) => set.forEach((p, j) => {
    chosen.set(p.embeddingChosen, (i * k + j) * d);
    rejected.set(p.embeddingRejected, (i * k + j) * d);
  }));
  return { context: { chosen: tf.tensor3d(chosen, [b, k, d]), rejected: tf.tensor3d(rejected, [b, k, d]) } };
}

/** NP-DPO: LoRA, FiLM and the context encoder trained jointly (base frozen). */
export async function trainNpDpo(policy: Policy, pairsByType: ReadonlyArray<readonly NpDpoExample[]>, config: NpDpoTrainConfig, hooks: TrainHooks = {}): Promise<Record<string, number>> {
  if (!policy.encoder) throw new SteerableError('invalid-config', 'NP-DPO needs a policy with a context encoder', { field: 'encoder' });
  const params = policy.trainableParameters();
  const adam = new Adam(params, { lr: config.optim.lr, eps: config.optim.eps, ...(config.optim.maxGradNorm ? { maxGradNorm: config.optim.maxGradNorm } : {}) });
  if (config.resume) adam.loadStateDict(config.resume.optimizer);
  let metrics: Record<string, number> = {};
  policy.train(true);
  try {
    for (let step = (config.resume?.step ?? 0) + 1; step <= config.steps; step++) {
      checkAbort(hooks.signal);
      const k = config.rng.int(0, config.maxContext);
      const batch = sampleNpDpoBatch(pairsByType, k, config, policy.model.config.n_positions);
      let kept: ReturnType<typeof npDpoLoss> | null = null;
      const { value, grads } = valueAndGradients(() => {
        const out = npDpoLoss(policy, batch, config.loss, { training: true, rng: config.rng });
        kept = { loss: out.loss, losses: tf.keep(out.losses), logps: { policyChosen: tf.keep(out.logps.policyChosen), policyRejected: tf.keep(out.logps.policyRejected), referenceChosen: tf.keep(out.logps.referenceChosen), referenceRejected: tf.keep(out.logps.referenceRejected) } };
        return out.loss;
      }, params);
      adam.apply(grads);
      const out = kept!;
      metrics = { ...withRpoMetrics(await dpoMetrics(out.logps, out.losses, config.loss.beta), batch.targetPairs, config.loss.rpoAlpha ?? 0), k };
      tf.dispose([value, out.losses, ...Object.values(out.logps), batch.context.chosen, batch.context.rejected, batch.targets.ids, batch.targets.labelMask, batch.referenceChosen, batch.referenceRejected]);
      disposeGradients(grads);
      hooks.onEvent?.({ type: 'step', phase: 'np-dpo', step, totalSteps: config.steps, metrics });
      await maybeCheckpoint(config.checkpoint, step, config.steps, adam);
    }
  } finally {
    adam.dispose();
    policy.train(false);
  }
  return metrics;
}
