import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { evaluatePolicyRun } from '@steerable/conditioned-dpo';
import { addBackendOptions, type BackendFlags, type CliContext, setupBackend } from '@steerable/trainer';
import { buildReport } from '../report/build-report.js';
import { policyEvalSchema } from '../report/eval-contract.js';
import { readReportRun, withEvaluation } from '../report/run-files.js';
import { writeReport } from '../report/write-report.js';

interface PolicyEvalFlags extends BackendFlags {
  run: string;
  out?: string;
  runsRoot?: string;
}

/** `steerable-eval policy --run DIR --out DIR`: implicit accuracy, generations scored by oracles, win rates vs DPO-mixed. */
export function registerPolicyEvalCommand(program: Command, context: CliContext): void {
  addBackendOptions(
    program
      .command('policy')
      .description('evaluate an NP-DPO run: implicit accuracy per user type vs k, oracle rewards of generations, win rate vs DPO-mixed (eval.json)')
      .requiredOption('--run <dir>', 'the NP-DPO run directory (its DPO-mixed and DPO-<type> runs are found next to it)')
      .option('--out <dir>', 'where eval.json and report.html go (default: the run directory)')
      .option('--runs-root <dir>', 'where the baseline runs live (default: the parent of --run)'),
  ).action(async (flags: PolicyEvalFlags) => {
    await setupBackend(flags, context.logger);
    const runDir = resolve(flags.run);
    const outDir = resolve(flags.out ?? runDir);
    const result = await evaluatePolicyRun(runDir, { outDir, ...(flags.runsRoot ? { runsRoot: resolve(flags.runsRoot) } : {}), onEvent: (e) => e.type === 'phase' && context.logger.info(`${e.phase}: ${e.detail ?? ''}`) });
    // Through JSON, as a reader of eval.json sees it (an empty estimate's NaN becomes null).
    const evaluation = policyEvalSchema.parse(JSON.parse(JSON.stringify(result)));
    const reportRun = withEvaluation(await readReportRun(runDir), { kind: 'policy', data: evaluation, path: join(outDir, 'eval.json') });
    const report = await writeReport(outDir, await buildReport([reportRun], { title: 'steerable: policy evaluation' }));
    const lines = [`eval.json and report.html -> ${outDir} (figures: ${report.document.figures.length})`, `k: ${result.k.join(' ')}`];
    for (const type of Object.keys(result.implicit_accuracy)) {
      lines.push(`${type.padEnd(8)} implicit acc ${result.k.map((k) => result.implicit_accuracy[type]![String(k)]!.mean.toFixed(3)).join(' ')} | win rate vs dpo-mixed ${result.k.map((k) => result.win_rate[type]![String(k)]!.mean.toFixed(3)).join(' ')}`);
    }
    context.io.stdout(`${lines.join('\n')}\n`);
  });
}
