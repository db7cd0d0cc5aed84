import { type Command, Option } from 'commander';
import { basename, dirname, join, resolve } from 'node:path';
import { SteerableError, writeJsonAtomic } from '@steerable/core';
import { POLICY_PRESETS, type PolicyEvalJson, evaluatePolicyCheckpoints, loadPolicyPairs, parsePolicyRunConfig } from '@steerable/conditioned-dpo';
import { type BackendFlags, type CliContext, RunDirectory, addBackendOptions, resolveRunReference, setupBackend } from '@steerable/cli-kit';
import { buildReport } from '../report/build-report.js';
import { readReportRun, withEvaluation } from '../report/run-files.js';
import { writeReport } from '../report/write-report.js';

interface PolicyEvalFlags extends BackendFlags {
  run: string;
  out?: string;
  data?: string;
  format?: string;
  judge?: string;
  split: 'validation' | 'test';
  json?: boolean;
}

/** `steerable-eval policy --run DIR`: implicit accuracy per user type vs k; with a judge, rewards of generations and win rates vs DPO-mixed. */
export function registerPolicyEvalCommand(program: Command, context: CliContext): void {
  addBackendOptions(
    program
      .command('policy')
      .description(
        'evaluate an NP-DPO run on its test split: implicit accuracy per user type vs k; with a judge, generations scored per type and win rates vs DPO-mixed (eval.json)',
      )
      .requiredOption('--run <dir>', 'the NP-DPO run directory (its reference, DPO-mixed baseline and eval.baselines are found from its config)')
      .option('--out <dir>', 'where eval.json goes (default: <run>/eval, or <run>/eval-validation with --split validation)')
      .addOption(
        new Option('--split <name>', 'the split to score: test (held out), or validation while choosing hyperparameters')
          .choices(['validation', 'test'])
          .default('test'),
      )
      .option('--data <file>', "evaluate on this preference file's test split instead of the run's own data")
      .option('--format <name>', 'the format of --data when detection is not enough')
      .addOption(new Option('--judge <name>', "score text with this judge ('steerable-text'), or 'none' for labels only (default: the run's eval.judge)"))
      .option('--json', 'print eval.json to stdout instead of the summary'),
  ).action(async (flags: PolicyEvalFlags) => {
    await setupBackend(flags, flags.json ? context.quietLogger : context.logger);
    const run = await RunDirectory.open(flags.run, { onWarning: (warning) => context.logger.warn(warning.message) });
    const config = parsePolicyRunConfig(await run.readConfig(), run.configPath);
    if (config.kind !== 'np-dpo')
      throw new SteerableError('invalid-argument', `${run.path} is a ${config.kind} run, not np-dpo`, {
        field: 'kind',
        hint: 'evaluate an NP-DPO run; its DPO baselines are loaded alongside it',
      });
    const checkpoint = await run.checkpoints.latest();
    if (!checkpoint)
      throw new SteerableError('run-incomplete', 'the run has no checkpoint yet', {
        file: run.path,
        hint: `train it first: steerable-train policy --resume --out ${run.path}`,
      });
    const runsRoot = dirname(run.path);
    const reference = await RunDirectory.open(resolveRunReference(config.reference!, runsRoot, POLICY_PRESETS));
    const baselines: Record<string, string> = {};
    for (const ref of [...(config.baseline ? [config.baseline] : []), ...config.eval.baselines]) {
      const baseline = await RunDirectory.open(resolveRunReference(ref, runsRoot, POLICY_PRESETS)).catch(() => null);
      const latest = baseline && (await baseline.isFinished()) ? await baseline.checkpoints.latest() : null;
      if (!baseline || !latest) {
        if (ref === config.baseline)
          throw new SteerableError('missing-run', `the DPO-mixed baseline '${ref}' has no finished run`, {
            field: 'baseline',
            hint: `train it: steerable-train policy --preset ${ref}`,
          });
        context.logger.info(`baseline ${ref}: not trained, left out`);
        continue;
      }
      const baselineConfig = parsePolicyRunConfig(await baseline.readConfig(), baseline.configPath);
      const name =
        ref === config.baseline ? 'dpo-mixed' : baselineConfig.dpo.userTypes ? `dpo-${baselineConfig.dpo.userTypes.join('+')}` : basename(baseline.path);
      baselines[name] = latest;
    }
    const data = flags.data
      ? {
          source: 'file' as const,
          path: resolve(flags.data),
          ...(flags.format ? { format: flags.format } : {}),
          seed: 0,
          splitFractions: [0, 0, 1] as [number, number, number],
        }
      : config.data;
    const pairs = await loadPolicyPairs(data as typeof config.data);
    context.logger.info(`evaluating ${config.name} with baselines ${Object.keys(baselines).join(', ')}`);
    const result = await evaluatePolicyCheckpoints({
      modelName: config.name,
      checkpoint,
      referenceModelDir: reference.modelPath,
      baselines,
      pairs,
      // log pi_ref of the scored pairs, cached with the SFT model that training runs share.
      cacheDir: reference.cachePath,
      split: flags.split,
      ...(flags.judge !== undefined ? { judge: flags.judge === 'none' ? null : flags.judge } : {}),
    });
    const out = resolve(flags.out ?? (flags.split === 'validation' ? join(run.path, 'eval-validation') : run.evalPath));
    await writeJsonAtomic(join(out, 'eval.json'), result);
    const reportRun = withEvaluation(await readReportRun(run.path), { kind: 'policy', data: result, path: join(out, 'eval.json') });
    const report = await writeReport(out, await buildReport([reportRun], { title: 'steerable: policy evaluation' }));
    context.io.stdout(
      flags.json
        ? `${JSON.stringify(result, null, 2)}\n`
        : `${policySummary(result)}\neval.json and report.html -> ${out} (figures: ${report.document.figures.length})\n`,
    );
  });
}

function policySummary(result: PolicyEvalJson): string {
  const cell = (stat: { mean: number | null } | undefined): string => (stat?.mean === null || stat?.mean === undefined ? '  -  ' : stat.mean.toFixed(3));
  const judged = result.judge ? `; truth and win rates by the ${result.judge} judge` : '';
  const lines = [`implicit accuracy (${result.split} split) by k: ${result.k.join(' ')}${judged}`];
  for (const user of Object.keys(result.implicit_accuracy)) {
    const wins = result.win_rate[user] ? ` | win rate vs dpo-mixed ${result.k.map((k) => cell(result.win_rate[user]![String(k)])).join(' ')}` : '';
    lines.push(`${user.padEnd(12)} ${result.k.map((k) => cell(result.implicit_accuracy[user]![String(k)])).join(' ')}${wins}`);
  }
  for (const [name, baseline] of Object.entries(result.baselines)) {
    lines.push(
      `${name.padEnd(12)} ${Object.entries(baseline.implicit_accuracy)
        .map(([user, stat]) => `${user} ${cell(stat)}`)
        .join('  ')}`,
    );
  }
  return lines.join('\n');
}
