import type { CliContext } from '../context.js';

/** `--list-presets`: one line per preset with its description, or every config in full with --json. */
export function listPresets(context: CliContext, family: string, presets: Record<string, { description?: string }>, json = false): void {
  if (json) {
    context.io.stdout(`${JSON.stringify(presets, null, 2)}\n`);
    return;
  }
  const width = Math.max(...Object.keys(presets).map((name) => name.length));
  const lines = Object.entries(presets).map(([name, preset]) => `  ${name.padEnd(width)}  ${preset.description ?? ''}`);
  context.io.stdout(`${family} presets:\n${lines.join('\n')}\n`);
}
