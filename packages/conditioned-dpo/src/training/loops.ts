import * as tf from '@tensorflow/tfjs';
import { Adam, DivergenceGuard, Rng, SteerableError, crashPoint, disposeGradients, valueAndGradients } from '@steerable/core';
import type { TaskBatch, TaskSampler, TaskSamplerState, Task } from '@steerable/preference-data';
import type { Gpt2LMHeadModel } from '../model/gpt2-model.js';
import { buildSequenceBatch, type TokenizedExample } from '../logprobs/sequence-batch.js';
import { sftLoss } from '../losses/sft.js';
import { type DpoLossConfig, type DpoMetrics, dpoLosses, dpoMetrics, rpoTerm } from '../losses/dpo.js';
import { npDpoLoss } from '../losses/np-dpo.js';
import { ENCODER_PREFIX, type Policy } from '../policy/policy.js';
import type { TrainHooks } from './events.js';

export interface OptimConfig {
  lr: number;
  eps: number;
  maxGradNorm: number | null;
  /** NP-DPO: the context encoder's own learning rate (null: `lr`, as for LoRA and FiLM). */
  encoderLr?: number | null;
}

/** Where a resumed run picks up: the last finished step, the optimizer state and the sampler position saved with it. */
export interface ResumePoint {
  step: number;
  optimizer: { step: number; tensors: Map<string, tf.Tensor> };
  sampler?: TaskSamplerState;
}

/** What a checkpoint of a training loop holds beyond weights and optimizer: the sampler position. */
export interface LoopState {
  sampler?: TaskSamplerState;
}

/** Called every `every` steps and after the last one, with the live optimizer (for its state). */
export interface CheckpointHook {
  every: number;
  save: (step: number, optimizer: Adam, state: LoopState) => Promise<void>;
}

async function maybeCheckpoint(hook: CheckpointHook | undefined, step: number, total: number, optimizer: Adam, state: LoopState): Promise<void> {
  // Crash tests kill the process here: the step's update applied, its checkpoint not yet written.
  crashPoint('train-step');
  if (hook && (step === total || (hook.every > 0 && step % hook.every === 0))) await hook.save(step, optimizer, state);
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SteerableError('aborted', 'training was interrupted', { hint: 'resume from the last checkpoint' });
}

function adamFor(params: Array<[string, tf.Variable]>, optim: OptimConfig, resume: ResumePoint | undefined): Adam {
  const encoderLr = optim.encoderLr ?? null;
  const lrMultipliers = new Map(
    encoderLr === null ? [] : params.filter(([name]) => name.startsWith(ENCODER_PREFIX)).map(([name]) => [name, encoderLr / optim.lr]),
  );
  const adam = new Adam(params, {
    lr: optim.lr,
    eps: optim.eps,
    ...(optim.maxGradNorm !== null ? { maxGradNorm: optim.maxGradNorm } : {}),
    ...(lrMultipliers.size > 0 ? { lrMultipliers } : {}),
  });
  if (resume) adam.loadStateDict(resume.optimizer);
  return adam;
}

/** The guard of a loop: 'stop' (default) throws before a non-finite update, 'skip' drops it. */
function guardFor(config: { onNonFinite?: 'stop' | 'skip' }): DivergenceGuard {
  return new DivergenceGuard({ policy: config.onNonFinite ?? 'stop' });
}

export interface SftLoopConfig {
  onNonFinite?: 'stop' | 'skip';
  epochs: number;
  batchSize: number;
  optim: OptimConfig;
  padId: number;
  /** Seeds each epoch's shuffle (one stream per epoch, so a resumed run sees the same order). */
  seed: number;
  checkpoint?: CheckpointHook;
  resume?: ResumePoint;
}

/** Full-parameter SFT of the base LM on response tokens (prompt excluded from the loss). */
export async function trainSft(
  model: Gpt2LMHeadModel,
  examples: readonly TokenizedExample[],
  config: SftLoopConfig,
  hooks: TrainHooks = {},
): Promise<{ loss: number; steps: number }> {
  model.setTrainable(true);
  const params = model.namedParameters();
  const adam = adamFor(params, config.optim, config.resume);
  const stepsPerEpoch = Math.ceil(examples.length / config.batchSize);
  const total = stepsPerEpoch * config.epochs;
  let step = config.resume?.step ?? 0;
  let last = Number.NaN;
  const guard = guardFor(config);
  try {
    for (let epoch = Math.floor(step / stepsPerEpoch); epoch < config.epochs; epoch++) {
      const order = new Rng(`${config.seed}/sft/${epoch}`).shuffle(examples.map((_, i) => i));
      for (let s = step - epoch * stepsPerEpoch; s < stepsPerEpoch; s++) {
        checkAbort(hooks.signal);
        const batch = buildSequenceBatch(
          order.slice(s * config.batchSize, (s + 1) * config.batchSize).map((i) => examples[i]!),
          config.padId,
          model.config.n_positions,
        );
        const { value, grads } = valueAndGradients(() => tf.tidy(() => sftLoss(model.forward(batch.ids).logits, batch.ids, batch.labelMask)), params);
        let skipped = false;
        try {
          const check = await guard.check(step + 1, value, grads);
          if (check.action === 'apply') adam.apply(grads);
          skipped = check.action === 'skip';
          last = check.loss;
        } finally {
          tf.dispose([value, batch.ids, batch.labelMask]);
          disposeGradients(grads);
        }
        step++;
        hooks.onEvent?.({ type: 'step', phase: 'sft', step, totalSteps: total, metrics: { loss: last, epoch, ...(skipped ? { skipped: 1 } : {}) } });
        await maybeCheckpoint(config.checkpoint, step, total, adam, {});
      }
    }
  } finally {
    adam.dispose();
    model.setTrainable(false);
  }
  return { loss: last, steps: step };
}

/**
 * The training pairs of a preference loop: per label its chosen/rejected token ids and log
 * pi_ref of both (computed once with adapters off).
 */
export interface PreferenceExamples {
  chosen(label: number): TokenizedExample;
  rejected(label: number): TokenizedExample;
  referenceChosen(label: number): number;
  referenceRejected(label: number): number;
}

/** Rows chosen first then rejected, as one batch, with the reference log-probs. */
function targetBatch(labels: readonly number[], examples: PreferenceExamples, padId: number, maxLength: number) {
  return {
    targets: buildSequenceBatch([...labels.map((l) => examples.chosen(l)), ...labels.map((l) => examples.rejected(l))], padId, maxLength),
    referenceChosen: tf.tensor1d(labels.map((l) => examples.referenceChosen(l))),
    referenceRejected: tf.tensor1d(labels.map((l) => examples.referenceRejected(l))),
  };
}

/**
 * The logged metrics with the RPO term in: `loss` is the optimised objective (DPO + rpo_alpha *
 * nll_loss), `loss/dpo` the DPO part alone, `nll_loss` (TRL's name) the chosen responses' mean
 * per-token NLL. Derived from the batch's mean log pi(chosen), so no extra tensor is read.
 */
export function withRpoMetrics(metrics: DpoMetrics, chosenTokens: number, pairs: number, rpoAlpha: number): Record<string, number> {
  const nll = (-metrics['logps/chosen'] * pairs) / Math.max(1, chosenTokens);
  return { ...metrics, 'loss/dpo': metrics.loss, nll_loss: nll, loss: metrics.loss + rpoAlpha * nll };
}

/** The sampler's batches from where it stands, epoch after epoch, without end. */
function* endlessTasks(sampler: TaskSampler, resume: TaskSamplerState | undefined): Generator<Task[]> {
  let epoch = 0;
  if (resume) {
    sampler.setState(resume);
    epoch = resume.epoch;
  }
  for (; ; epoch++) yield* sampler.epochTasks(epoch);
}

function* endlessBatches(sampler: TaskSampler, resume: TaskSamplerState | undefined): Generator<TaskBatch> {
  let epoch = 0;
  if (resume) {
    sampler.setState(resume);
    epoch = resume.epoch;
  }
  for (; ; epoch++) yield* sampler.epoch(epoch);
}

export interface PreferenceLoopConfig {
  onNonFinite?: 'stop' | 'skip';
  steps: number;
  loss: DpoLossConfig;
  optim: OptimConfig;
  padId: number;
  /** Dropout (LoRA, attention) draws from this stream; saved with checkpoints. */
  rng: Rng;
  checkpoint?: CheckpointHook;
  resume?: ResumePoint;
}

function chosenTokenCount(labels: readonly number[], examples: PreferenceExamples): number {
  return labels.reduce((sum, l) => sum + examples.chosen(l).response.length, 0);
}

/**
 * Plain DPO (LoRA only, FiLM off): the DPO-mixed and DPO-<type> baselines. Each step takes the
 * targets of one sampler batch (tasks of one label each, users drawn uniformly).
 */
export async function trainDpo(
  policy: Policy,
  examples: PreferenceExamples,
  sampler: TaskSampler,
  config: PreferenceLoopConfig,
  hooks: TrainHooks = {},
): Promise<Record<string, number>> {
  const params = policy.adapters.namedParameters('adapters.').filter(([n]) => n.includes('.lora.'));
  const adam = adamFor(params, config.optim, config.resume);
  let metrics: Record<string, number> = {};
  const guard = guardFor(config);
  policy.train(true);
  const batches = endlessTasks(sampler, config.resume?.sampler);
  try {
    for (let step = (config.resume?.step ?? 0) + 1; step <= config.steps; step++) {
      checkAbort(hooks.signal);
      const labels = batches.next().value!.flatMap((task: Task) => task.targets);
      const b = targetBatch(labels, examples, config.padId, policy.model.config.n_positions);
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
        return tf.add(mean, rpoTerm(pc, tf.sum(tf.slice(b.targets.labelMask, [0, 0], [labels.length, -1])) as tf.Scalar, config.loss.rpoAlpha)) as tf.Scalar;
      }, params);
      const lp = logps!;
      let check: Awaited<ReturnType<DivergenceGuard['check']>>;
      try {
        check = await guard.check(step, value, grads);
      } catch (error) {
        tf.dispose([value, b.targets.ids, b.targets.labelMask, b.referenceChosen, b.referenceRejected, lp.policyChosen, lp.policyRejected, losses!]);
        disposeGradients(grads);
        throw error;
      }
      if (check.action === 'apply') adam.apply(grads);
      const base = await dpoMetrics({ ...lp, referenceChosen: b.referenceChosen, referenceRejected: b.referenceRejected }, losses!, config.loss.beta);
      metrics = {
        ...withRpoMetrics(base, chosenTokenCount(labels, examples), labels.length, config.loss.rpoAlpha ?? 0),
        ...(check.action === 'skip' ? { skipped: 1 } : {}),
      };
      tf.dispose([value, b.targets.ids, b.targets.labelMask, b.referenceChosen, b.referenceRejected, lp.policyChosen, lp.policyRejected, losses!]);
      disposeGradients(grads);
      hooks.onEvent?.({ type: 'step', phase: 'dpo', step, totalSteps: config.steps, metrics });
      await maybeCheckpoint(config.checkpoint, step, config.steps, adam, { sampler: sampler.state() });
    }
  } finally {
    adam.dispose();
    policy.train(false);
  }
  return metrics;
}

/** NP-DPO: LoRA, FiLM and the context encoder trained jointly (base frozen), on the sampler's tasks. */
export async function trainNpDpo(
  policy: Policy,
  examples: PreferenceExamples,
  sampler: TaskSampler,
  config: PreferenceLoopConfig,
  hooks: TrainHooks = {},
): Promise<Record<string, number>> {
  if (!policy.encoder) throw new SteerableError('invalid-config', 'NP-DPO needs a policy with a context encoder', { field: 'encoder' });
  const params = policy.trainableParameters();
  const adam = adamFor(params, config.optim, config.resume);
  let metrics: Record<string, number> = {};
  const guard = guardFor(config);
  policy.train(true);
  const batches = endlessBatches(sampler, config.resume?.sampler);
  try {
    for (let step = (config.resume?.step ?? 0) + 1; step <= config.steps; step++) {
      checkAbort(hooks.signal);
      const taskBatch = batches.next().value!;
      const labels = taskBatch.tasks.flatMap((task: Task) => task.targets);
      const { batchSize: b, contextSize: k, dim } = taskBatch;
      const context = { chosen: tf.tensor3d(taskBatch.contextChosen, [b, k, dim]), rejected: tf.tensor3d(taskBatch.contextRejected, [b, k, dim]) };
      const batch = { context, ...targetBatch(labels, examples, config.padId, policy.model.config.n_positions), pairsPerTask: taskBatch.numTargets };
      let kept: ReturnType<typeof npDpoLoss> | null = null;
      const { value, grads } = valueAndGradients(() => {
        const out = npDpoLoss(policy, batch, config.loss, { training: true, rng: config.rng });
        kept = {
          loss: out.loss,
          losses: tf.keep(out.losses),
          logps: {
            policyChosen: tf.keep(out.logps.policyChosen),
            policyRejected: tf.keep(out.logps.policyRejected),
            referenceChosen: tf.keep(out.logps.referenceChosen),
            referenceRejected: tf.keep(out.logps.referenceRejected),
          },
        };
        return out.loss;
      }, params);
      const out = kept!;
      const batchTensors = [
        value,
        out.losses,
        ...Object.values(out.logps),
        context.chosen,
        context.rejected,
        batch.targets.ids,
        batch.targets.labelMask,
        batch.referenceChosen,
        batch.referenceRejected,
      ];
      let check: Awaited<ReturnType<DivergenceGuard['check']>>;
      try {
        check = await guard.check(step, value, grads);
      } catch (error) {
        tf.dispose(batchTensors);
        disposeGradients(grads);
        throw error;
      }
      if (check.action === 'apply') adam.apply(grads);
      metrics = {
        ...withRpoMetrics(
          await dpoMetrics(out.logps, out.losses, config.loss.beta),
          chosenTokenCount(labels, examples),
          labels.length,
          config.loss.rpoAlpha ?? 0,
        ),
        k,
        ...(check.action === 'skip' ? { skipped: 1 } : {}),
      };
      tf.dispose(batchTensors);
      disposeGradients(grads);
      hooks.onEvent?.({ type: 'step', phase: 'np-dpo', step, totalSteps: config.steps, metrics });
      await maybeCheckpoint(config.checkpoint, step, config.steps, adam, { sampler: sampler.state() });
    }
  } finally {
    adam.dispose();
    policy.train(false);
  }
  return metrics;
}
