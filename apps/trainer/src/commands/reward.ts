import type { Command } from 'commander';
import { Option } from 'commander';
import { resolve } from 'node:path';
import { SteerableError } from '@steerable/core';
import { createRewardModel, resolveRewardModelConfig, trainRewardModel, type TrainEvent } from '@steerable/btl-reward';
import type { CliContext } from '../context.js';
import { addBackendOptions, type BackendFlags, parsePositiveInt, setupBackend } from '../terminal/backend-option.js';
import { TrainingProgress } from '../run/progress.js';
import { RunDirectory } from '../run/run-directory.js';
import { loadRewardData, restrictToUsers } from '../reward/load-reward-data.js';
import { REWARD_PRESETS } from '../reward/reward-presets.js';
import { resolveRewardConfig } from '../reward/resolve-reward-config.js';
import type { RewardRunConfig } from '../reward/reward-config.js';

interface RewardFlags extends BackendFlags {
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

/** The resolved config a reward run writes to config.json and the evaluator reads back. */
export interface ResolvedRewardRun extends RewardRunConfig {
  model: ReturnType<typeof resolveRewardModelConfig>;
  backend: { name: string; threads: number; steerable_kernels: boolean };
  created_at: string;
}

export function registerRewardCommand(program: Command, context: CliContext): void {
  addBackendOptions(
    program
      .command('reward')
      .description('train a reward model (BTL, DPL, NP-BTL, VPL) from a preset or a JSON config')
      .option('--preset <name>', 'a built-in run (see --list-presets)')
      .option('--config <file>', 'a JSON run config (same shape as the presets)')
      .option('--list-presets', 'list the presets and exit')
      .option('--json', 'with --list-presets: print the full resolved configs as JSON')
      .option('--data <file>', 'train on this preference file instead (TRL/HH/relabeled JSONL, parquet, CSV; gzip ok)')
      .option('--format <name>', 'the format of --data when detection is not enough')
      .option('--out <dir>', 'run directory (default runs/<preset name>)')
      .addOption(new Option('--seed <n>', 'seed for initialisation, sampling and dropout').argParser((v) => Number.parseInt(v, 10)))
      .addOption(new Option('--epochs <n>', 'override the number of epochs').argParser(parsePositiveInt))
      .addOption(new Option('--checkpoint-every <n>', 'write a checkpoint every N steps (default: each epoch)').argParser(parsePositiveInt))
      .option('--resume', 'continue the run in --out from its latest checkpoint')
      .option('--overwrite', 'replace an existing run in --out'),
  ).action(async (flags: RewardFlags) => {
    if (flags.listPresets) {
      listPresets(context, Boolean(flags.json));
      return;
    }
    await trainReward(flags, context);
  });
}

function listPresets(context: CliContext, json: boolean): void {
  if (json) {
    context.io.stdout(`${JSON.stringify(REWARD_PRESETS, null, 2)}\n`);
    return;
  }
  const width = Math.max(...Object.keys(REWARD_PRESETS).map((n) => n.length));
  const lines = Object.entries(REWARD_PRESETS).map(([name, preset]) => `  ${name.padEnd(width)}  ${preset.description ?? ''}`);
  context.io.stdout(`reward presets:\n${lines.join('\n')}\n`);
}

async function trainReward(flags: RewardFlags, context: CliContext): Promise<void> {
  const { logger, io } = context;
  let run: RunDirectory;
  let config: RewardRunConfig;
  if (flags.resume) {
    if (!flags.out) throw new SteerableError('invalid-argument', '--resume needs --out DIR (the run to continue)', { hint: 'pass the run directory you trained into' });
    run = await RunDirectory.create(flags.out, { resume: true });
    config = await run.readConfig<ResolvedRewardRun>();
  } else {
    config = await resolveRewardConfig(
      { ...(flags.preset ? { preset: flags.preset } : {}), ...(flags.config ? { config: flags.config } : {}) },
      { ...(flags.data ? { data: flags.data } : {}), ...(flags.format ? { format: flags.format } : {}), ...(flags.seed !== undefined ? { seed: flags.seed } : {}), ...(flags.epochs ? { epochs: flags.epochs } : {}) },
    );
    run = await RunDirectory.create(flags.out ?? resolve('runs', config.name), { overwrite: Boolean(flags.overwrite) });
  }

  const backend = await setupBackend(flags, logger);
  const set = await loadRewardData(config.data, logger);
  const users = [...new Set(set.labels.map((l) => l.user))];
  logger.info(`data: ${set.numPairs} pairs, ${set.labels.length} labels, users ${users.join(', ')}, embedding size ${set.dim}`);

  const modelConfig = resolveRewardModelConfig({ ...(config.model as object), kind: config.model.kind, inputDim: set.dim, initSeed: config.seed } as Parameters<typeof resolveRewardModelConfig>[0]);
  const model = createRewardModel(modelConfig);
  const resolved: ResolvedRewardRun = {
    ...config,
    model: modelConfig,
    backend: { name: backend.backend, threads: backend.threads, steerable_kernels: backend.steerable_kernels },
    created_at: (config as Partial<ResolvedRewardRun>).created_at ?? new Date().toISOString(),
  };
  if (!flags.resume) await run.writeConfig(resolved);
  logger.info(`model: ${modelConfig.kind}, ${model.numParameters().toLocaleString('en-US')} parameters; run directory ${run.path}`);

  const resumeFrom = flags.resume ? await run.checkpoints.latest() : null;
  if (flags.resume && !resumeFrom) logger.warn('no checkpoint to resume from: starting from step 0');
  if (resumeFrom) {
    const step = Number(/step-(\d+)$/.exec(resumeFrom)?.[1] ?? 0);
    await run.truncateMetricsAfter(step);
    logger.info(`resuming from ${resumeFrom}`);
  }

  const progress = new TrainingProgress(io, config.name);
  const abort = new AbortController();
  const onSigint = () => {
    logger.warn('interrupt: stopping after this step and writing a checkpoint (press Ctrl-C again to force)');
    abort.abort();
    process.off('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);
  let started = false;
  // The latest validation score, shown with the loss on the progress line.
  let validation = '';
  const onEvent = async (event: TrainEvent) => {
    if (!started) {
      progress.start(event.totalSteps, event.step);
      started = true;
    }
    if (event.type === 'step' || event.type === 'eval' || event.type === 'epoch') {
      const best = event.best ? { 'eval/best_step': event.best.step, [`eval/best_${event.best.metric.replace(/^eval\//, '')}`]: event.best.value } : {};
      await run.appendMetrics({ step: event.step, epoch: event.epoch, ...(Number.isFinite(event.loss) ? { loss: event.loss } : {}), event: event.type, ...event.metrics, ...best });
    }
    if (event.type === 'eval') {
      const metric = event.best?.metric ?? 'eval/accuracy';
      const value = event.metrics[metric];
      if (value !== undefined) validation = `| ${metric} ${value.toFixed(3)}${event.best ? ` (best ${event.best.value.toFixed(3)} at step ${event.best.step})` : ''}`;
    }
    if (event.type === 'step') progress.update({ step: event.step, totalSteps: event.totalSteps, loss: event.loss, epoch: event.epoch, extra: validation });
  };
  const training = config.training;
  try {
    const result = await trainRewardModel({
      model,
      trainSet: restrictToUsers(set, training.users),
      sampler: {
        split: 'train',
        numTargets: training.numTargets,
        contextSize: modelConfig.kind === 'btl' || modelConfig.kind === 'dpl' ? 0 : training.contextSize,
        batchSize: training.batchSize,
        ...(training.tasksPerEpoch ? { tasksPerEpoch: training.tasksPerEpoch } : {}),
        targetsIncludeContext: training.targetsIncludeContext,
      },
      optimizer: training.optimizer,
      epochs: training.epochs,
      seed: config.seed,
      checkpointDir: run.checkpoints.root,
      ...(flags.checkpointEvery ?? training.checkpointEvery ? { checkpointEvery: flags.checkpointEvery ?? training.checkpointEvery } : {}),
      ...(resumeFrom ? { resumeFrom } : {}),
      logEvery: training.logEvery,
      ...(training.evaluateEvery
        ? {
            evaluateEvery: training.evaluateEvery,
            validation: { split: 'validation' as const, ks: config.evaluation.ks, numTargets: config.evaluation.numTargets, tasksPerUser: training.validationTasksPerUser, seed: config.evaluation.seed, tooFewLabels: 'skip' as const },
          }
        : {}),
      ...(training.loadBestModelAtEnd ? { bestModel: { metric: training.metricForBestModel } } : {}),
      signal: abort.signal,
      onEvent,
    });
    progress.stop();
    if (result.aborted) {
      logger.warn(`stopped at step ${result.steps}/${result.totalSteps}; continue with: steerable-train reward --resume --out ${run.path}`);
      context.exitCode = 130;
      return;
    }
    logger.info(`done: ${result.steps} steps, final epoch loss ${result.finalLoss.toFixed(4)}; model in ${result.lastCheckpoint ?? run.checkpoints.root}`);
    if (result.best) logger.info(`best on validation: step ${result.best.step}, ${result.best.metric} ${result.best.value.toFixed(4)} (${result.best.path}); evaluation uses it`);
    logger.info(`evaluate with: steerable-eval reward --run ${run.path}`);
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
    model.dispose();
  }
}
