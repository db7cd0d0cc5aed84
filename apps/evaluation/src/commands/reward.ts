import { Option, type Command } from 'commander';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { evaluateRewardModel, loadRewardModel, parseRewardRunConfig } from '@steerable/btl-reward';
import { SteerableError, writeJsonAtomic } from '@steerable/core';
import { type PreferenceDataConfig, loadPreferenceData } from '@steerable/preference-data';
import {
  type BackendFlags,
  type CliContext,
  type EmbeddingCacheFlags,
  RunDirectory,
  addBackendOptions,
  addEmbeddingCacheOptions,
  dataEventLogger,
  embeddingCacheDir,
  parsePositiveInt,
  setupBackend,
} from '@steerable/cli-kit';
import { type RewardEval, rewardEvalSchema } from '../report/eval-contract.js';
import { accuracyTable } from '../report/format-table.js';
import { buildReport } from '../report/build-report.js';
import { readReportRun, type ReportRun, withEvaluation } from '../report/run-files.js';
import { writeReport } from '../report/write-report.js';

interface EvalRewardFlags extends BackendFlags, EmbeddingCacheFlags {
  run: string[];
  data?: string;
  format?: string;
  k?: number[];
  out?: string;
  tasksPerUser?: number;
  split?: 'train' | 'validation' | 'test';
  seed?: number;
  json?: boolean;
  checkpoint?: 'best' | 'latest';
  wait?: boolean;
}

/** How often --wait looks for a run's summary.json. */
const WAIT_POLL_MS = 250;

export function parseKList(value: string): number[] {
  const ks = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 0))
    throw new Error(`expected comma-separated non-negative integers such as 0,1,3,5,10, got '${value}'`);
  return [...new Set(ks)].sort((a, b) => a - b);
}

export function registerRewardEvalCommand(program: Command, context: CliContext): void {
  const command = addBackendOptions(
    program
      .command('reward')
      .description('held-out accuracy versus context size k, per user type, for one or more reward runs')
      .requiredOption('--run <dir...>', 'run directories written by steerable-train reward (several give one comparison table)')
      .option('--data <file>', "evaluate on this preference file instead of the run's own test split (embedded with the run's featurizer)")
      .option('--format <name>', 'the format of --data when detection is not enough')
      .addOption(new Option('--k <list>', 'context sizes').argParser(parseKList))
      .option('--out <dir>', 'where eval.json and report.html go (default: <run>/eval, or ./eval-comparison for several runs)')
      .addOption(new Option('--tasks-per-user <n>', 'evaluation tasks per user type').argParser(parsePositiveInt))
      .addOption(new Option('--split <name>', 'which split to evaluate').choices(['train', 'validation', 'test']))
      .addOption(new Option('--seed <n>', 'seed of the evaluation tasks').argParser((v) => Number.parseInt(v, 10)))
      .addOption(
        new Option('--checkpoint <which>', "which weights: 'best' (best on validation, when training kept them; else the latest) or 'latest'")
          .choices(['best', 'latest'])
          .default('best'),
      )
      .option('--wait', 'evaluate each run once its training has finished (summary.json written), waiting for runs still training')
      .option('--json', 'print eval.json to stdout instead of the table'),
  );
  addEmbeddingCacheOptions(command).action(async (flags: EvalRewardFlags) => {
    embeddingCacheDir(flags);
    await setupBackend(flags, flags.json ? context.quietLogger : context.logger);
    const evals: RewardEval[] = [];
    const reportRuns: ReportRun[] = [];
    const outRoot = resolve(flags.out ?? (flags.run.length === 1 ? join(flags.run[0]!, 'eval') : 'eval-comparison'));
    for (const runPath of flags.run) {
      if (flags.wait) await waitForTraining(runPath, context);
      const evaluation = await evaluateRun(runPath, flags, context);
      evals.push(evaluation);
      const dir = flags.run.length === 1 ? outRoot : join(outRoot, evaluation.model);
      await writeJsonAtomic(join(dir, 'eval.json'), evaluation);
      reportRuns.push(withEvaluation(await readReportRun(runPath), { kind: 'reward', data: evaluation, path: join(dir, 'eval.json') }));
    }
    await writeReport(outRoot, await buildReport(reportRuns, { title: 'steerable: reward model evaluation' }));
    if (flags.json) {
      context.io.stdout(`${JSON.stringify(evals.length === 1 ? evals[0] : evals, null, 2)}\n`);
      return;
    }
    context.io.stdout(`${accuracyTable(evals, 'heldout')}\n\n${accuracyTable(evals, 'all_targets')}\n`);
    const evalFiles = flags.run.length === 1 ? join(outRoot, 'eval.json') : `${outRoot}/<model>/eval.json`;
    context.logger.info(`wrote ${evalFiles}, ${join(outRoot, 'report.html')} and its figures (SVG, PNG) in ${join(outRoot, 'figures')}`);
  });
}

/**
 * Until `runPath` holds a finished run: what `--wait` does before evaluating each run, so that a
 * pipeline (such as `pnpm demo`) can start evaluating the runs that are done while another still trains.
 */
async function waitForTraining(runPath: string, context: CliContext): Promise<void> {
  // Opening checks that the run exists (its config.json is written when training starts): a typo fails at once.
  const run = await RunDirectory.open(runPath);
  if (await run.isFinished()) return;
  context.logger.info(`waiting for ${runPath} to finish training`);
  while (!(await run.isFinished())) await sleep(WAIT_POLL_MS);
}

async function evaluateRun(runPath: string, flags: EvalRewardFlags, context: CliContext): Promise<RewardEval> {
  const run = await RunDirectory.open(runPath, { onWarning: (warning) => context.logger.warn(warning.message) });
  const config = parseRewardRunConfig(await run.readConfig(), run.configPath);
  const checkpoint = (flags.checkpoint !== 'latest' ? await run.checkpoints.best() : null) ?? (await run.checkpoints.latest());
  if (!checkpoint) {
    throw new SteerableError('run-incomplete', 'the run has no checkpoint yet', {
      file: run.path,
      hint: `finish or resume training first: steerable-train reward --resume --out ${run.path}`,
    });
  }
  // A file given with --data is embedded by the run's own featurizer, or the model's inputs would not match.
  let data: PreferenceDataConfig = config.data;
  if (flags.data) {
    if (!('featurizer' in config.data))
      throw new SteerableError('invalid-argument', `the run trained on ${config.data.source} data, which has no text featurizer to embed --data with`, {
        field: '--data',
        hint: 'evaluate a run trained on text (a file or relabeled-hh)',
      });
    data = {
      source: 'file',
      path: resolve(flags.data),
      ...(flags.format ? { format: flags.format as never } : {}),
      featurizer: config.data.featurizer,
      seed: 0,
      splitFractions: [0, 0, 1],
    };
  }
  const cacheDir = embeddingCacheDir(flags);
  const set = await loadPreferenceData(data, { onEvent: dataEventLogger(context.logger), ...(cacheDir ? { cacheDir } : {}) });
  const { model } = await loadRewardModel(checkpoint);
  try {
    context.logger.info(`evaluating ${config.name} (${checkpoint})`);
    const report = await evaluateRewardModel(model, set, {
      split: flags.split ?? config.evaluation.split,
      ks: flags.k ?? config.evaluation.ks,
      numTargets: config.evaluation.numTargets,
      tasksPerUser: flags.tasksPerUser ?? config.evaluation.tasksPerUser,
      seed: flags.seed ?? config.evaluation.seed,
      modelName: config.name,
      tooFewLabels: 'skip',
      calibration: true,
      latents: true,
      rewardCurves: true,
    });
    // A model trained on some user types only is their oracle: reports draw it dashed in their panels.
    const oracleFor = config.training.users?.length ? { oracle_for: [...config.training.users] } : {};
    // Validate before writing: other tools read eval.json, so a contract break is a bug here.
    return rewardEvalSchema.parse({ ...report, ...oracleFor });
  } finally {
    model.dispose();
  }
}
