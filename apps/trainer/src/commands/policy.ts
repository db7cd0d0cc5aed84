import { type Command, Option } from 'commander';
import { dirname, resolve } from 'node:path';
import { SteerableError } from '@steerable/core';
import {
  POLICY_PRESETS,
  type PolicyRunConfig,
  type PolicyTrainEvent,
  loadPolicyPairs,
  parsePolicyRunConfig,
  trainPolicy,
  withDataFile,
} from '@steerable/conditioned-dpo';
import {
  type BackendFlags,
  type CliContext,
  EXIT_CODES,
  RunDirectory,
  TrainingProgress,
  addBackendOptions,
  listPresets,
  onInterrupt,
  readJsonFile,
  recordSession,
  resolveRunReference,
  setupBackend,
} from '@steerable/cli-kit';
import type { BackendInfo } from '@steerable/gpu-kernels';

interface PolicyFlags extends BackendFlags {
  preset?: string;
  config?: string;
  data?: string;
  format?: string;
  out?: string;
  seed?: number;
  listPresets?: boolean;
  json?: boolean;
  resume?: boolean;
  overwrite?: boolean;
}

/** `steerable-train policy`: SFT, DPO and NP-DPO runs on any preference file with user ids, or the steerable-text benchmark. */
export function registerPolicyCommand(program: Command, context: CliContext): void {
  addBackendOptions(
    program
      .command('policy')
      .description('train a policy: SFT, DPO (mixed or per user type) or NP-DPO (LoRA + FiLM + context encoder)')
      .option('--preset <name>', 'a built-in run (see --list-presets)')
      .option('--config <file>', 'a JSON run config (same shape as the presets)')
      .option('--list-presets', 'list the presets and exit')
      .option('--json', 'with --list-presets: print the full configs as JSON')
      .option('--data <file>', 'train on this preference file (TRL/HH JSONL, parquet, CSV with user ids; gzip ok); runs it depends on use it too')
      .option('--format <name>', 'the format of --data when detection is not enough')
      .option('--out <dir>', 'run directory (default runs/<name>); the runs it depends on go next to it')
      .option('--resume', 'continue the run in --out from its latest checkpoint (weights, Adam state, RNG, sampler); exact')
      .option('--overwrite', 'replace an existing run in --out')
      .addOption(new Option('--seed <n>', 'seed for initialisation, sampling and dropout').argParser((v) => Number.parseInt(v, 10))),
  ).action(async (flags: PolicyFlags) => {
    if (flags.listPresets) {
      listPresets(context, 'policy', POLICY_PRESETS, flags.json);
      return;
    }
    const backend = await setupBackend(flags, context.logger);
    await trainPolicyRun(flags, backend, context);
  });
}

/** A preset or config file with the flags' overrides applied (data, format, seed), validated strictly. */
async function resolveConfig(source: { preset?: string; config?: string }, flags: PolicyFlags): Promise<PolicyRunConfig> {
  if (!source.preset === !source.config)
    throw new SteerableError('invalid-argument', 'pass exactly one of --preset NAME or --config FILE', { hint: 'see --list-presets' });
  let input: Record<string, unknown>;
  const file = source.config ? resolve(source.config) : undefined;
  if (source.preset) {
    const preset = POLICY_PRESETS[source.preset];
    if (!preset)
      throw new SteerableError('unknown-preset', `no policy preset '${source.preset}'`, {
        field: 'preset',
        hint: `use one of: ${Object.keys(POLICY_PRESETS).join(', ')} (--list-presets)`,
      });
    input = structuredClone(preset) as Record<string, unknown>;
  } else {
    const raw = await readJsonFile(file!, { flag: '--config' });
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new SteerableError('invalid-config', 'a run config is a JSON object', { file: file!, hint: 'start from --list-presets --json' });
    input = raw as Record<string, unknown>;
  }
  // A preset that reads a file keeps its where / splitBy / splitFractions for the file named here.
  if (flags.data) input = withDataFile(input, { path: resolve(flags.data), format: flags.format });
  if (flags.seed !== undefined) input.seed = flags.seed;
  return parsePolicyRunConfig(input, file);
}

async function trainPolicyRun(flags: PolicyFlags, backend: BackendInfo, context: CliContext): Promise<void> {
  const { logger } = context;
  let config: PolicyRunConfig;
  let run: RunDirectory;
  if (flags.resume) {
    if (!flags.out)
      throw new SteerableError('invalid-argument', '--resume needs --out DIR (the run to continue)', { hint: 'pass the run directory you trained into' });
    const existing = await RunDirectory.open(flags.out);
    config = parsePolicyRunConfig(await existing.readConfig(), existing.configPath);
    run = await RunDirectory.create(flags.out, { resume: true, keepCheckpoints: config.keepCheckpoints, onWarning: (warning) => logger.warn(warning.message) });
  } else {
    config = await resolveConfig(flags, flags);
    run = await RunDirectory.create(flags.out ?? resolve('runs', config.name), {
      overwrite: Boolean(flags.overwrite),
      keepCheckpoints: config.keepCheckpoints,
    });
  }
  try {
    await trainPolicyIn(run, config, flags, backend, context);
  } catch (error) {
    // A refused input (data, model or tokenizer file) leaves no half-made run directory behind.
    await run.discardIfNoProgress();
    throw error;
  }
}

async function trainPolicyIn(run: RunDirectory, config: PolicyRunConfig, flags: PolicyFlags, backend: BackendInfo, context: CliContext): Promise<void> {
  const { logger } = context;
  const runsRoot = dirname(run.path);
  const totalSteps = config.kind === 'sft' ? null : config.kind === 'dpo' ? config.dpo.steps : config.npDpo.steps;
  const summary = await run.readSummary();
  if (flags.resume && summary && (totalSteps === null || summary.steps >= totalSteps)) {
    logger.info(`${run.path} already finished (${summary.steps} steps); nothing to resume`);
    return;
  }

  // The runs this one starts from (and NP-DPO's evaluation baseline): trained first when a preset names them.
  let reference: RunDirectory | undefined;
  if (config.kind !== 'sft') {
    reference = await ensureDependency(config.reference!, runsRoot, flags, backend, context);
    if (config.kind === 'np-dpo' && config.baseline) await ensureDependency(config.baseline, runsRoot, flags, backend, context);
  }
  // This run's own wall time: the runs it depends on record theirs in their own summary.json.
  const started = Date.now();

  if (!flags.resume) await run.writeConfig(config);
  const resumeFrom = flags.resume ? await run.checkpoints.latest() : null;
  if (flags.resume) await run.clearSummary();
  await recordSession(run, backend, resumeFrom);
  if (resumeFrom) {
    const step = Number(/step-(\d+)$/.exec(resumeFrom)?.[1] ?? 0);
    await run.truncateMetricsAfter(step);
    logger.info(`resuming from ${resumeFrom}`);
  } else if (flags.resume) {
    logger.warn('no checkpoint to resume from: starting from step 0');
  }
  logger.info(`policy ${config.name} (${config.kind}) on ${backend.backend}; run directory ${run.path}`);
  const pairs = await loadPolicyPairs(config.data);

  const bars = new Map<string, TrainingProgress>();
  const abort = new AbortController();
  const stopListening = onInterrupt(logger, abort);
  const onEvent = (event: PolicyTrainEvent): void => {
    if (event.type === 'phase') logger.info(`${event.phase}: ${event.detail ?? ''}`);
    if (event.type !== 'step') return;
    void run.appendMetrics({ step: event.step, phase: event.phase, ...event.metrics });
    let bar = bars.get(event.phase);
    if (!bar) {
      bar = new TrainingProgress(context.io, `${config.name} (${event.phase})`);
      bar.start(event.totalSteps, event.step - 1);
      bars.set(event.phase, bar);
    }
    const accuracy = event.metrics['rewards/accuracies'];
    bar.update({
      step: event.step,
      totalSteps: event.totalSteps,
      ...(event.metrics.loss !== undefined ? { loss: event.metrics.loss } : {}),
      ...(accuracy !== undefined ? { extra: `acc ${accuracy.toFixed(3)}` } : {}),
    });
  };
  try {
    const referenceRun = reference ? { referenceModelDir: reference.modelPath, referenceCacheDir: reference.cachePath } : {};
    const result = await trainPolicy(config, { run, pairs, ...referenceRun, resumeFrom, signal: abort.signal, onEvent });
    for (const bar of bars.values()) bar.stop();
    await run.writeSummary({ status: 'finished', steps: result.steps, wall_time_s: (Date.now() - started) / 1000, metrics: result.metrics });
    logger.info(`done: ${config.name}, ${result.steps} steps`);
    context.io.stdout(`${JSON.stringify({ run: run.path, ...result.metrics })}\n`);
  } catch (error) {
    if (error instanceof SteerableError && error.code === 'aborted') {
      logger.warn(`stopped; continue with: steerable-train policy --resume --out ${run.path}`);
      context.exitCode = EXIT_CODES.interrupted;
      return;
    }
    throw error;
  } finally {
    for (const bar of bars.values()) bar.stop();
    stopListening();
    await run.flush();
  }
}

/** A run this one depends on, finished: reused when it is, trained first when a preset names it. */
async function ensureDependency(reference: string, runsRoot: string, flags: PolicyFlags, backend: BackendInfo, context: CliContext): Promise<RunDirectory> {
  const dir = resolveRunReference(reference, runsRoot, POLICY_PRESETS);
  const existing = await RunDirectory.open(dir).catch(() => null);
  if (existing && (await existing.isFinished())) {
    context.logger.info(`using ${dir}`);
    return existing;
  }
  if (!(reference in POLICY_PRESETS)) {
    throw new SteerableError('missing-run', `the run '${reference}' this one depends on is not finished (${dir} has no summary.json)`, {
      field: 'reference',
      hint: 'train it first, or name a preset to have it trained here',
    });
  }
  context.logger.info(`training the ${reference} run it depends on into ${dir}`);
  const { config: _config, ...inherited } = flags;
  await trainPolicyRun({ ...inherited, preset: reference, out: dir, resume: Boolean(existing), overwrite: false }, backend, context);
  return RunDirectory.open(dir);
}
