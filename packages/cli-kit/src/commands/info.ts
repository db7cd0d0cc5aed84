import type { Command } from 'commander';
import { BACKEND_NAMES } from '@steerable/gpu-kernels';
import { addBackendOptions, type BackendFlags, setupBackend } from '../backend/backend-options.js';
import type { CliContext } from '../context.js';
import { steerableVersions } from './versions.js';

interface InfoFlags extends BackendFlags {
  json?: boolean;
}

/** `info`: versions, the backend chosen, threads and which optional backends are present. */
export function registerInfoCommand(program: Command, context: CliContext): void {
  addBackendOptions(
    program
      .command('info')
      .description('print versions, the chosen backend, threads and which optional backends are installed')
      .option('--json', 'print JSON instead of text'),
  ).action(async (flags: InfoFlags) => {
    const backend = await setupBackend(flags, flags.json ? context.quietLogger : context.logger);
    const report = {
      program: context.programName,
      backend: backend.backend,
      backends_available: backend.backends_available,
      backends_known: [...BACKEND_NAMES],
      attempts: backend.attempts,
      tfjs_version: backend.tfjs_version,
      node_version: backend.node_version,
      threads: backend.threads,
      steerable_kernels: backend.steerable_kernels,
      packages: { ...steerableVersions(), ...backend.packages },
      platform: `${process.platform}-${process.arch}`,
    };
    if (flags.json) {
      context.io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const lines = [
      `${context.programName} (steerable ${report.packages['@steerable/core'] ?? '?'})`,
      `node               ${report.node_version} (${report.platform})`,
      `tfjs               ${report.tfjs_version}`,
      `backend            ${report.backend}${report.threads > 1 ? ` (${report.threads} threads)` : ''}`,
      `steerable kernels  ${report.steerable_kernels ? 'on' : 'off (stock tfjs)'}`,
      `backends installed ${report.backends_available.join(', ')}`,
      ...report.attempts.filter((a) => !a.ok).map((a) => `  not used: ${a.backend}: ${a.reason}`),
      'packages',
      ...Object.entries(report.packages).map(([name, version]) => `  ${name.padEnd(34)} ${version ?? 'not installed'}`),
    ];
    context.io.stdout(`${lines.join('\n')}\n`);
  });
}
