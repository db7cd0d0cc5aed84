import type { Command } from 'commander';
import { Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SteerableError } from '@steerable/core';
import { POLICY_PRESETS, PRESET_DESCRIPTIONS, type PolicyRunConfig, type PolicyTrainEvent, parsePolicyRunConfig, resolvePreset, trainPolicy } from '@steerable/conditioned-dpo';
import type { CliContext } from '../context.js';
import { addBackendOptions, type BackendFlags, setupBackend } from '../terminal/backend-option.js';
import { TrainingProgress } from '../run/progress.js';

interface PolicyFlags extends BackendFlags {
  preset?: string;
  config?: string;
  out?: string;
  seed?: number;
  listPresets?: boolean;
  json?: boolean;
  resume?: boolean;
}

/** `steerable-train policy`: SFT, DPO and NP-DPO runs of the steerable-text benchmark (or a JSON config). */
export function registerPolicyCommand(program: Command, context: CliContext): void {
  addBackendOptions(
    program
      .command('policy')
      .description('train a policy: SFT, DPO (mixed or per user type) or NP-DPO (LoRA + FiLM + context encoder)')
      .option('--preset <name>', 'a built-in run (see --list-presets)')
      .option('--config <file>', 'a JSON run config (same shape as the presets; missing fields come from the preset of its kind)')
      .option('--list-presets', 'list the presets and exit')
      .option('--json', 'with --list-presets: print the full configs as JSON')
      .option('--out <dir>', 'run directory (default runs/<name>); runs it depends on go next to it')
      .option('--resume', 'continue a DPO / NP-DPO run from <out>/checkpoint (weights, Adam state, RNG); exact, as if never stopped')
      .addOption(new Option('--seed <n>', 'seed for initialisation, sampling and dropout').argParser((v) => Number.parseInt(v, 10))),
  ).action(async (flags: PolicyFlags) => {
    if (flags.listPresets) {
      if (flags.json) {
        context.io.stdout(`${JSON.stringify(POLICY_PRESETS, null, 2)}\n`);
        return;
      }
      const width = Math.max(...Object.keys(POLICY_PRESETS).map((n) => n.length));
      context.io.stdout(`policy presets:\n${Object.keys(POLICY_PRESETS).map((n) => `  ${n.padEnd(width)}  ${PRESET_DESCRIPTIONS[n] ?? ''}`).join('\n')}\n`);
      return;
    }
    if (!flags.preset === !flags.config) {
      throw new SteerableError('invalid-argument', 'pass exactly one of --preset NAME or --config FILE', { hint: 'see --list-presets' });
    }
    let config: PolicyRunConfig;
    if (flags.preset) config = resolvePreset(flags.preset);
    else {
      const file = resolve(flags.config!);
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(file, 'utf8'));
      } catch (cause) {
        throw new SteerableError('invalid-config', 'cannot read the config as JSON', { file, cause, hint: 'start from `steerable-train policy --list-presets --json`' });
      }
      config = parsePolicyRunConfig(raw, file);
    }
    if (flags.seed !== undefined) config = { ...config, seed: flags.seed };
    const backend = await setupBackend(flags, context.logger);
    const outDir = resolve(flags.out ?? resolve('runs', config.name));
    context.logger.info(`policy ${config.name} (${config.kind}) on ${backend.backend}; run directory ${outDir}`);
    const bars = new Map<string, TrainingProgress>();
    const abort = new AbortController();
    const onSigint = (): void => {
      context.logger.warn('interrupt: stopping after this step');
      abort.abort();
    };
    process.once('SIGINT', onSigint);
    try {
      const summary = await trainPolicy(config, {
        outDir,
        signal: abort.signal,
        ...(flags.resume ? { resume: true } : {}),
        onEvent: (event: PolicyTrainEvent) => {
          if (event.type === 'phase') context.logger.info(`${event.phase}: ${event.detail ?? ''}`);
          if (event.type === 'step') {
            let bar = bars.get(event.phase);
            if (!bar) {
              bar = new TrainingProgress(context.io, event.phase);
              bar.start(event.totalSteps, event.step - 1);
              bars.set(event.phase, bar);
            }
            bar.update({ step: event.step, totalSteps: event.totalSteps, ...(event.metrics.loss !== undefined ? { loss: event.metrics.loss } : {}), ...(event.metrics['rewards/accuracies'] !== undefined ? { extra: `acc ${event.metrics['rewards/accuracies'].toFixed(3)}` } : {}) });
            if (event.step === event.totalSteps) {
              bar.stop();
              bars.delete(event.phase);
            }
          }
        },
      });
      context.io.stdout(`${JSON.stringify({ run: outDir, ...summary })}\n`);
    } finally {
      process.off('SIGINT', onSigint);
      for (const bar of bars.values()) bar.stop();
    }
  });
}
