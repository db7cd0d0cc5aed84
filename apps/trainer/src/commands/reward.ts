import { type Command, Option } from 'commander';
import { resolve } from 'node:path';
import { SteerableError } from '@steerable/core';
import {
  REWARD_PRESETS,
  REWARD_PRESET_DATA_HINTS,
  type RewardRunConfig,
  type TrainEvent,
  createRewardModel,
  featurizerCheckpointExtra,
  parseRewardRunConfig,
  resolveRewardModelConfig,
  trainRewardModel,
  trainingOptionsFromConfig,
} from '@steerable/btl-reward';
import { loadPreferenceData, preferredTextFeaturizer, restrictToUsers } from '@steerable/preference-data';
import {
  type BackendFlags,
  type CliContext,
  EXIT_CODES,
  type EmbeddingCacheFlags,
  addEmbeddingCacheOptions,
  embeddingCacheDir,
  RunDirectory,
  TrainingProgress,
  addBackendOptions,
  dataEventLogger,
  listPresets,
  onInterrupt,
  parsePositiveInt,
  readJsonFile,
  recordSession,
  setupBackend,
} from '@steerable/cli-kit';
import { rewardMetricsRecord } from '../reward-metrics-record.js';

interface RewardFlags extends BackendFlags, EmbeddingCacheFlags {
  preset?: string;
  config?: string;
  data?: string;
  format?: string;
  out?: string;
  seed?: number;
  epochs?: number;
  checkpointEvery?: number;
  resume?: boolean;
  overwrite?: boolean;
  listPresets?: boolean;
  json?: boolean;
}

export function registerRewardCommand(program: Command, context: CliContext): void {
  const command = addBackendOptions(
    program
      .command('reward')
      .description('train a reward model (BTL, DPL, NP-BTL, VPL) from a preset or a JSON config')
      .option('--preset <name>', 'a built-in run (see --list-presets)')
      .option('--config <file>', 'a JSON run config (same shape as the presets)')
      .option('--list-presets', 'list the presets and exit')
      .option('--json', 'with --list-presets: print the full configs as JSON')
      .option(
        '--data <file>',
        'train on this preference file instead (TRL/HH/relabeled JSONL, parquet, CSV; gzip ok); the preset keeps its featurizer and split',
      )
      .option('--format <name>', 'the format of --data when detection is not enough')
      .option('--out <dir>', 'run directory (default runs/<preset name>)')
      .addOption(
        new Option(
          '--seed <n>',
          "seed for initialisation, sampling and dropout (with seedScope 'all', as the real-text presets: also the split and the evaluation tasks)",
        ).argParser((v) => Number.parseInt(v, 10)),
      )
      .addOption(new Option('--epochs <n>', 'override the number of epochs').argParser(parsePositiveInt))
      .addOption(new Option('--checkpoint-every <n>', 'write a checkpoint every N steps (default: at the end)').argParser(parsePositiveInt))
      .option('--resume', 'continue the run in --out from its latest checkpoint')
      .option('--overwrite', 'replace an existing run in --out'),
  );
  addEmbeddingCacheOptions(command).action(async (flags: RewardFlags) => {
    if (flags.listPresets) {
      listPresets(context, 'reward', REWARD_PRESETS, flags.json);
      return;
    }
    await trainReward(flags, context);
  });
}

/** A preset or a config file, then the flags that override it, validated strictly. */
async function resolveRunConfig(flags: RewardFlags, context: CliContext): Promise<RewardRunConfig> {
  if (!flags.preset === !flags.config) {
    throw new SteerableError('invalid-argument', 'give exactly one of --preset NAME or --config FILE', { hint: 'run with --list-presets to see the presets' });
  }
  let input: Record<string, unknown>;
  const file = flags.config ? resolve(flags.config) : undefined;
  if (flags.preset) {
    const preset = REWARD_PRESETS[flags.preset];
    if (!preset)
      throw new SteerableError('unknown-preset', `no reward preset named '${flags.preset}'`, {
        field: 'preset',
        hint: `choose one of: ${Object.keys(REWARD_PRESETS).join(', ')}`,
      });
    input = structuredClone(preset) as Record<string, unknown>;
  } else {
    const raw = await readJsonFile(file!, { flag: '--config' });
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new SteerableError('invalid-config', 'a run config is a JSON object', { file: file!, hint: 'start from --list-presets --json' });
    input = raw as Record<string, unknown>;
  }
  const previous = (input.data ?? {}) as { source?: string; path?: string; featurizer?: unknown; format?: unknown; seed?: unknown; splitFractions?: unknown };
  if (flags.data) {
    // A preset made for a file keeps how it selects and splits the pairs (DialSummEval: conflicting
    // pairs, split by dialogue). One made for a built-in source keeps its featurizer and its split
    // (relabeled-hh-use-*: 50/10/40 by pair with the seed), so the same pairs in a file give the
    // same run.
    const { path: _path, format: _format, ...selection } = previous;
    const { featurizer, seed, splitFractions } = previous;
    // Left undefined, a key takes the file config's default.
    const kept = previous.source === 'file' ? selection : { featurizer, seed, splitFractions };
    input.data = { ...kept, source: 'file', path: flags.data, ...(flags.format ? { format: flags.format } : {}) };
  } else if (flags.preset && previous.source === 'file' && !previous.path) {
    // A config file without a path is refused by the schema, naming data.path.
    throw new SteerableError('missing-data', `preset '${flags.preset}' trains on a preference file you supply: pass --data FILE`, {
      field: '--data',
      hint: REWARD_PRESET_DATA_HINTS[flags.preset] ?? 'pass your preference file with --data FILE',
    });
  }
  // The generic preset takes the best featurizer this install has, and says which.
  if (flags.preset === 'generic' && !(input.data as { featurizer?: unknown }).featurizer) {
    const preferred = await preferredTextFeaturizer();
    input.data = { ...(input.data as object), featurizer: preferred.config };
    context.logger.info(`featurizer: ${preferred.reason}`);
  }
  if (flags.seed !== undefined) input.seed = flags.seed;
  if (flags.epochs !== undefined) input.training = { ...((input.training as object | undefined) ?? {}), epochs: flags.epochs };
  if (flags.checkpointEvery !== undefined) input.training = { ...((input.training as object | undefined) ?? {}), checkpointEvery: flags.checkpointEvery };
  return parseRewardRunConfig(input, file);
}

async function trainReward(flags: RewardFlags, context: CliContext): Promise<void> {
  const { logger } = context;
  const started = Date.now();
  // Everything is validated before the run directory is touched, so a bad flag or config loses nothing.
  embeddingCacheDir(flags);
  let config: RewardRunConfig;
  let run: RunDirectory;
  if (flags.resume) {
    if (!flags.out)
      throw new SteerableError('invalid-argument', '--resume needs --out DIR (the run to continue)', { hint: 'pass the run directory you trained into' });
    const existing = await RunDirectory.open(flags.out);
    config = parseRewardRunConfig(await existing.readConfig(), existing.configPath);
    run = await RunDirectory.create(flags.out, {
      resume: true,
      keepCheckpoints: config.training.keepCheckpoints,
      onWarning: (warning) => logger.warn(warning.message),
    });
  } else {
    config = await resolveRunConfig(flags, context);
    run = await RunDirectory.create(flags.out ?? resolve('runs', config.name), {
      overwrite: Boolean(flags.overwrite),
      keepCheckpoints: config.training.keepCheckpoints,
    });
  }

  try {
    await trainRewardIn(run, config, flags, context, started);
  } catch (error) {
    // A refused input (data, model file) leaves no half-made run directory behind.
    await run.discardIfNoProgress();
    throw error;
  }
}

async function trainRewardIn(run: RunDirectory, config: RewardRunConfig, flags: RewardFlags, context: CliContext, started: number): Promise<void> {
  const { logger, io } = context;
  const backend = await setupBackend(flags, logger);
  const cacheDir = embeddingCacheDir(flags);
  const set = await loadPreferenceData(config.data, { onEvent: dataEventLogger(logger), ...(cacheDir ? { cacheDir } : {}) });
  const users = [...new Set(set.labels.map((label) => label.user))];
  logger.info(`data: ${set.numPairs} pairs, ${set.labels.length} labels, users ${users.join(', ')}, embedding size ${set.dim}`);

  const modelConfig = resolveRewardModelConfig({ ...config.model, inputDim: config.model.inputDim ?? set.dim, initSeed: config.model.initSeed ?? config.seed });
  const resolved: RewardRunConfig = { ...config, model: modelConfig };
  const model = createRewardModel(modelConfig);
  if (!flags.resume) await run.writeConfig(resolved);
  const resumeFrom = flags.resume ? await run.checkpoints.latest() : null;
  await recordSession(run, backend, resumeFrom);
  logger.info(`model: ${modelConfig.kind}, ${model.numParameters().toLocaleString('en-US')} parameters; run directory ${run.path}`);
  if (flags.resume && !resumeFrom) logger.warn('no checkpoint to resume from: starting from step 0');
  if (resumeFrom) {
    const step = Number(/step-(\d+)$/.exec(resumeFrom)?.[1] ?? 0);
    await run.truncateMetricsAfter(step);
    logger.info(`resuming from ${resumeFrom}`);
  }

  const progress = new TrainingProgress(io, config.name);
  const abort = new AbortController();
  const stopListening = onInterrupt(logger, abort);
  let progressStarted = false;
  // The latest validation score, shown with the loss on the progress line.
  let validation = '';
  const onEvent = async (event: TrainEvent): Promise<void> => {
    if (!progressStarted) {
      progress.start(event.totalSteps, event.step);
      progressStarted = true;
    }
    const record = rewardMetricsRecord(event);
    if (record) await run.appendMetrics(record);
    if (event.type === 'eval') {
      const metric = event.best?.metric ?? 'eval/accuracy';
      const value = event.metrics[metric];
      if (value !== undefined)
        validation = `| ${metric} ${value.toFixed(3)}${event.best ? ` (best ${event.best.value.toFixed(3)} at step ${event.best.step})` : ''}`;
    }
    if (event.type === 'step') progress.update({ step: event.step, totalSteps: event.totalSteps, loss: event.loss, epoch: event.epoch, extra: validation });
  };
  try {
    const result = await trainRewardModel({
      model,
      trainSet: restrictToUsers(set, config.training.users),
      ...trainingOptionsFromConfig(config.training, config.evaluation, modelConfig.kind),
      seed: config.seed,
      checkpointDir: run.checkpoints.root,
      // Checkpoints know their featurizer, so loadRewardRun can score text and refuse another encoder.
      checkpointExtra: featurizerCheckpointExtra({
        config: 'featurizer' in config.data ? config.data.featurizer : null,
        description: set.featurizer ?? set.embedding ?? null,
      }),
      ...(resumeFrom ? { resumeFrom } : {}),
      signal: abort.signal,
      onEvent,
    });
    progress.stop();
    if (result.aborted) {
      logger.warn(`stopped at step ${result.steps}/${result.totalSteps}; continue with: steerable-train reward --resume --out ${run.path}`);
      context.exitCode = EXIT_CODES.interrupted;
      return;
    }
    await run.writeSummary({
      status: 'finished',
      steps: result.steps,
      wall_time_s: (Date.now() - started) / 1000,
      metrics: { 'train/epoch_loss': result.finalLoss },
      best: result.best ? { step: result.best.step, metric: result.best.metric, value: result.best.value } : null,
      ...(result.stoppedEarly ? { stopped_early: { step: result.stoppedEarly.step, patience: result.stoppedEarly.patience } } : {}),
    });
    if (result.stoppedEarly) {
      const { step, bestStep, patience } = result.stoppedEarly;
      logger.info(
        `stopped early at step ${step} of ${result.totalSteps}: no better ${result.best?.metric ?? 'validation score'} in ${patience} evaluations since step ${bestStep} (training.earlyStoppingPatience)`,
      );
    }
    logger.info(`done: ${result.steps} steps, final epoch loss ${result.finalLoss.toFixed(4)}; model in ${result.lastCheckpoint ?? run.checkpoints.root}`);
    if (result.best)
      logger.info(
        `best on validation: step ${result.best.step}, ${result.best.metric} ${result.best.value.toFixed(4)} (${result.best.path}); evaluation uses it`,
      );
    logger.info(`evaluate with: steerable-eval reward --run ${run.path}`);
  } finally {
    progress.stop();
    stopListening();
    model.dispose();
    await run.flush();
  }
}
