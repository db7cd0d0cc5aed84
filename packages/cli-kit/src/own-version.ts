import { createRequire } from 'node:module';

/** The version in the package.json next to a module's dist/ (an app's own version for --version). */
export function ownVersion(moduleUrl: string): string {
  try {
    return (createRequire(moduleUrl)('../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
