import { installedVersion } from '@steerable/gpu-kernels';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const STEERABLE_PACKAGES = [
  '@steerable/core',
  '@steerable/cli-kit',
  '@steerable/preference-data',
  '@steerable/np-encoder',
  '@steerable/btl-reward',
  '@steerable/conditioned-dpo',
  '@steerable/gpu-kernels',
];

function resolveVersion(pkg: string): string | null {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return installedVersion(pkg);
  }
}

export function steerableVersions(): Record<string, string | null> {
  return Object.fromEntries(STEERABLE_PACKAGES.map((p) => [p, resolveVersion(p)]));
}
