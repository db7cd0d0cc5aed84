
import { access, appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { type Adam, Rng, SteerableError, loadCheckpoint, saveCheckpoint, writeJsonAtomic } from '@steerable/core';
import { ContextEncoder } from '@steerable/np-encoder';
import { TOKEN, STEERABLE_TEXT_TOKENIZER_JSON, generateSteerableText, type PolicyPair, type SteerableTextData } from '../benchmark/steerable-text.js';
import { loadGpt2Pretrained, saveGpt2Pretrained } from '../io/hf-checkpoint.js';
import { PolicyAdapters } from '../model/adapters.js';
import { Gpt2LMHeadModel } from '../model/gpt2-model.js';
import { Policy } from '../policy/policy.js';
import { embedResponses } from './batched.js';
import type { TrainHooks } from './events.js';
import { type DpoExample, type NpDpoExample, type ResumePoint, trainDpo, trainNpDpo, trainSft } from './loops.js';
import { type PolicyRunConfig, parsePolicyRunConfig, resolvePreset, POLICY_PRESETS } from './policy-config.js';
import { cachedReferenceLogProbs } from './reference-cache.js';

export interface TrainPolicyOptions extends TrainHooks {
  /** The run directory (config.json, metrics.jsonl, model/ or checkpoint/, summary.json). */
  outDir: string;
  /** Where dependency runs named by preset live (default: the parent of outDir). */
  runsRoot?: string;
  /**
   * Continue a DPO / NP-DPO run from `outDir/checkpoint` (adapters, encoder, Adam moments, RNG):
   * the resumed run takes the same steps as an uninterrupted one. No checkpoint: starts fresh.
   */
  resume?: boolean;
}

export const ADAM_EPS = 1e-8;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** A preset name resolves to `<runsRoot>/<name>`; anything else is a directory. */
export function resolveRunDir(ref: string, runsRoot: string): string {
  return ref in POLICY_PRESETS ? join(runsRoot, ref) : isAbsolute(ref) ? ref : join(runsRoot, ref);
}

/** True when the run finished (summary.json is written last). */
export async function runIsComplete(dir: string): Promise<boolean> {
  return exists(join(dir, 'summary.json'));
}

/** Trains (or reuses, when already complete) the run a preset names. */
async function ensureDependency(ref: string, options: TrainPolicyOptions, runsRoot: string): Promise<string> {
  const dir = resolveRunDir(ref, runsRoot);
  if (await runIsComplete(dir)) {
    options.onEvent?.({ type: 'phase', phase: 'dependency', detail: `reusing ${dir}` });
    return dir;
  }
  if (!(ref in POLICY_PRESETS)) throw new SteerableError('missing-run', `run directory '${dir}' has no finished run`, { field: 'reference', hint: 'train it first or name a preset' });
  options.onEvent?.({ type: 'phase', phase: 'dependency', detail: `training ${ref} into ${dir}` });
  await trainPolicy(resolvePreset(ref), { ...options, outDir: dir, runsRoot });
  return dir;
}

function tokenizedPairs(data: SteerableTextData, split: PolicyPair['split'], types: readonly string[]): PolicyPair[] {
  return data.pairs.filter((p) => p.split === split && types.includes(p.type));
}

/** Everything a DPO/NP-DPO run needs from its reference run: pi_ref, cached log-probs, embeddings. */
export async function preparePairs(policy: Policy, pairs: readonly PolicyPair[], referenceDir: string, withEmbeddings: boolean): Promise<Array<NpDpoExample & { type: string; oracleAgrees: boolean }>> {
  const sequences = [...pairs.map((p) => ({ prompt: p.prompt, response: p.chosen })), ...pairs.map((p) => ({ prompt: p.prompt, response: p.rejected }))];
  const { values } = await cachedReferenceLogProbs(policy, sequences, TOKEN.pad, join(referenceDir, 'reference-logps'));
  const embeddings = withEmbeddings ? await embedResponses(policy.model, sequences, TOKEN.pad) : null;
  const empty = new Float32Array(0);
  return pairs.map((p, i) => ({
    type: p.type,
    oracleAgrees: p.oracleAgrees,
    prompt: p.prompt,
    chosen: p.chosen,
    rejected: p.rejected,
    referenceChosen: values[i]!,
    referenceRejected: values[pairs.length + i]!,
    embeddingChosen: embeddings ? embeddings[i]! : empty,
    embeddingRejected: embeddings ? embeddings[pairs.length + i]! : empty,
  }));
}

export function buildEncoder(config: PolicyRunConfig, inputDim: number, rng: Rng): ContextEncoder {
  return new ContextEncoder({ inputDim, hiddenDim: config.npDpo.encoderHiddenDim, pairEncoder: 'mlp', aggregation: 'self-attention-sum', numHeads: config.npDpo.encoderHeads, attentionDropout: 0.1 }, rng);
}

export function buildAdapters(config: PolicyRunConfig, model: Gpt2LMHeadModel, rng: Rng): PolicyAdapters {
  return new PolicyAdapters({ lora: config.dpo.lora, filmLatentDim: config.kind === 'np-dpo' ? config.npDpo.encoderHiddenDim : null }, model.config.n_layer, model.config.n_embd, rng);
}

/**
 * Trains one policy run: 'sft' (the base LM, saved in Hugging Face format), 'dpo' (LoRA on the
 * chosen user types' pairs) or 'np-dpo' (LoRA + FiLM + context encoder). DPO kinds train their
 * reference (and NP-DPO its DPO-mixed baseline) first when those runs are missing, and reuse them
 * otherwise. Writes config.json, metrics.jsonl, checkpoints (adapters, encoder, optimizer state)
 * and summary.json (last, so its presence means the run finished).
 */
export async function trainPolicy(rawConfig: PolicyRunConfig, options: TrainPolicyOptions): Promise<Record<string, number>> {
  const config = parsePolicyRunConfig(rawConfig);
  const runsRoot = options.runsRoot ?? dirname(options.outDir);
  const out = options.outDir;
  if (options.resume && (await runIsComplete(out))) {
    options.onEvent?.({ type: 'phase', phase: config.kind, detail: `${out} already finished; nothing to resume` });
    return JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Record<string, number>;
  }
  await mkdir(out, { recursive: true });
  await writeJsonAtomic(join(out, 'config.json'), config);
  const metricsFile = join(out, 'metrics.jsonl');
  // Step events arrive synchronously from the training loop; chaining the appends keeps the lines
  // in step order (independent appendFile calls may land out of order) and lets the run wait for
  // the last one before it reports done.
  let metricsWritten: Promise<void> = Promise.resolve();
  const hooks: TrainHooks = {
    ...(options.signal ? { signal: options.signal } : {}),
    onEvent: (event) => {
      if (event.type === 'step') {
        const line = `${JSON.stringify({ phase: event.phase, step: event.step, ...event.metrics })}\n`;
        metricsWritten = metricsWritten.then(() => appendFile(metricsFile, line));
      }
      options.onEvent?.(event);
    },
  };
  const rng = new Rng(config.seed);
  const data = generateSteerableText(config.data);
  options.onEvent?.({ type: 'phase', phase: config.kind, detail: `${config.name} -> ${out}` });

  if (config.kind === 'sft') {
    const model = config.baseModelDir ? await loadGpt2Pretrained(config.baseModelDir) : new Gpt2LMHeadModel(config.model, new Rng(rng.seed()));
    const { loss } = await trainSft(model, data.sft, { epochs: config.sft.epochs, batchSize: config.sft.batchSize, optim: { lr: config.sft.lr, eps: ADAM_EPS, maxGradNorm: 1 }, padId: TOKEN.pad, rng }, hooks);
    await saveGpt2Pretrained(model, join(out, 'model'), { tokenizerJson: STEERABLE_TEXT_TOKENIZER_JSON });
    model.dispose();
    await metricsWritten;
    const summary = { 'sft/loss': loss };
    await writeJsonAtomic(join(out, 'summary.json'), summary);
    options.onEvent?.({ type: 'done', phase: 'sft', metrics: summary });
    return summary;
  }

  const referenceDir = await ensureDependency(config.reference, options, runsRoot);
  if (config.kind === 'np-dpo' && config.baseline) await ensureDependency(config.baseline, options, runsRoot);
  const model = await loadGpt2Pretrained(join(referenceDir, 'model'));
  model.setTrainable(false);
  const adapters = buildAdapters(config, model, new Rng(rng.seed()));
  const encoder = config.kind === 'np-dpo' ? buildEncoder(config, model.config.n_embd, new Rng(rng.seed())) : null;
  const policy = new Policy(model, adapters, encoder);
  const lossConfig = { beta: config.dpo.beta, lossType: config.dpo.lossType, labelSmoothing: config.dpo.labelSmoothing, rpoAlpha: config.dpo.rpoAlpha };
  const save = async (step: number, optimizer: Adam): Promise<void> => {
    const state = optimizer.stateDict();
    await saveCheckpoint(join(out, 'checkpoint'), {
      step,
      model: { kind: `policy-${config.kind}`, config, state: new Map(policy.trainableParameters()) },
      optimizer: { kind: 'adam', config: optimizer.config, step: state.step, state: state.tensors },
      rng: { train: rng.state() },
      extra: { reference: referenceDir },
    });
    hooks.onEvent?.({ type: 'checkpoint', phase: config.kind, step, dir: join(out, 'checkpoint') });
  };
  let metrics: Record<string, number>;
  let resume: ResumePoint | undefined;
  try {
    resume = options.resume ? await restoreCheckpoint(join(out, 'checkpoint'), config, policy, rng) : undefined;
    if (resume) hooks.onEvent?.({ type: 'phase', phase: config.kind, detail: `resuming after step ${resume.step}` });
    const resumeField = resume ? { resume } : {};
    if (config.kind === 'dpo') {
      const pairs = await preparePairs(policy, tokenizedPairs(data, 'train', config.dpo.userTypes), referenceDir, false);
      metrics = await trainDpo(policy, pairs as DpoExample[], { steps: config.dpo.steps, batchSize: config.dpo.batchSize, loss: lossConfig, optim: { lr: config.dpo.lr, eps: ADAM_EPS, maxGradNorm: 10 }, padId: TOKEN.pad, rng, checkpoint: { every: config.checkpointEvery, save }, ...resumeField }, hooks);
    } else {
      const pairs = await preparePairs(policy, tokenizedPairs(data, 'train', config.dpo.userTypes), referenceDir, true);
      const byType = config.dpo.userTypes.map((t) => pairs.filter((p) => p.type === t));
      metrics = await trainNpDpo(policy, byType, { steps: config.npDpo.steps, tasksPerBatch: config.npDpo.tasksPerBatch, maxContext: config.npDpo.maxContext, targetsPerTask: config.npDpo.targetsPerTask, loss: lossConfig, optim: { lr: config.dpo.lr, eps: ADAM_EPS, maxGradNorm: 10 }, padId: TOKEN.pad, rng, checkpoint: { every: config.checkpointEvery, save }, ...resumeField }, hooks);
    }
  } finally {
    for (const t of resume?.optimizer.tensors.values() ?? []) t.dispose();
    policy.dispose();
    model.dispose();
    await metricsWritten;
  }
  await writeJsonAtomic(join(out, 'summary.json'), metrics);
  options.onEvent?.({ type: 'done', phase: config.kind, metrics });
  return metrics;
}

/**
 * Loads `dir` (a checkpoint of this run) into the policy and the RNG and returns where training
 * continues; undefined when there is no checkpoint yet. Refuses a checkpoint of another run kind.
 */
async function restoreCheckpoint(dir: string, config: PolicyRunConfig, policy: Policy, rng: Rng): Promise<ResumePoint | undefined> {
  if (!(await exists(join(dir, 'manifest.json')))) return undefined;
  const checkpoint = await loadCheckpoint(dir);
  const weights = [...checkpoint.weights.values()];
  try {
    const rngState = checkpoint.manifest.rng.train;
    if (checkpoint.manifest.model.kind !== `policy-${config.kind}` || !checkpoint.optimizerState || !checkpoint.manifest.optimizer || !rngState) {
      throw new SteerableError('bad-checkpoint', `checkpoint is not a resumable ${config.kind} policy run (model kind '${checkpoint.manifest.model.kind}', optimizer and RNG state needed)`, { file: join(dir, 'manifest.json'), hint: 'resume with the config the run was started with, or delete the checkpoint to start over' });
    }
    policy.adapters.loadStateDict(stripPrefix(checkpoint.weights, 'adapters.'), { source: join(dir, 'weights.safetensors') });
    policy.encoder?.loadStateDict(stripPrefix(checkpoint.weights, 'encoder.'), { source: join(dir, 'weights.safetensors') });
    rng.setState(rngState);
    return { step: checkpoint.manifest.step, optimizer: { step: checkpoint.manifest.optimizer.step, tensors: checkpoint.optimizerState } };
  } catch (error) {
    for (const t of checkpoint.optimizerState?.values() ?? []) t.dispose();
    throw error;
  } finally {
    for (const t of weights) t.dispose();
  }
}

function stripPrefix(weights: Map<string, tf.Tensor>, prefix: string): Map<string, tf.Tensor> {
  return new Map([...weights].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/** A finished DPO / NP-DPO run loaded for evaluation or generation. */
export interface LoadedPolicyRun {
  config: PolicyRunConfig;
  dir: string;
  referenceDir: string;
  policy: Policy;
}

export async function loadPolicyRun(dir: string, sharedModel?: Gpt2LMHeadModel): Promise<LoadedPolicyRun> {
  const config = parsePolicyRunConfig(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')), join(dir, 'config.json'));
  if (config.kind === 'sft') throw new SteerableError('invalid-argument', 'an SFT run has no adapters to evaluate', { file: join(dir, 'config.json'), field: 'kind', hint: 'evaluate a dpo or np-dpo run' });
  const checkpoint = await loadCheckpoint(join(dir, 'checkpoint'));
  const referenceDir = String(checkpoint.manifest.extra.reference);
  const model = sharedModel ?? (await loadGpt2Pretrained(join(referenceDir, 'model')));
  const rng = new Rng(0);
  const policy = new Policy(model, buildAdapters(config, model, rng), config.kind === 'np-dpo' ? buildEncoder(config, model.config.n_embd, rng) : null);
  policy.adapters.loadStateDict(stripPrefix(checkpoint.weights, 'adapters.'), { source: join(dir, 'checkpoint') });
  policy.encoder?.loadStateDict(stripPrefix(checkpoint.weights, 'encoder.'), { source: join(dir, 'checkpoint') });
  for (const t of checkpoint.weights.values()) t.dispose();
  for (const t of checkpoint.optimizerState?.values() ?? []) t.dispose();
  policy.train(false);
  return { config, dir, referenceDir, policy };
}

