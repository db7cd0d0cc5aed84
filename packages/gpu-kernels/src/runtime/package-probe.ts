import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The installed version of a package, or null when it cannot be resolved from here. */
export function installedVersion(pkg: string): string | null {
  try {
    const manifest = require(`${pkg}/package.json`) as { version?: string };
    return manifest.version ?? null;
  } catch {
    return null;
  }
}

export function isInstalled(pkg: string): boolean {
  return installedVersion(pkg) !== null;
}
