import { isAbsolute, join } from 'node:path';

/**
 * Where a run named in another run's config lives: a preset name is `<runsRoot>/<name>`; a
 * relative path is relative to `runsRoot` (the folder the runs share), so runs move together.
 */
export function resolveRunReference(reference: string, runsRoot: string, presets: Record<string, unknown>): string {
  if (reference in presets) return join(runsRoot, reference);
  return isAbsolute(reference) ? reference : join(runsRoot, reference);
}
