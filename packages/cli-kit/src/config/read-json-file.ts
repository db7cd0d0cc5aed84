import { readFile, stat } from 'node:fs/promises';
import { SteerableError } from '@steerable/core';

/** Configs are small; anything bigger is not a config, and is refused before it is read. */
export const MAX_CONFIG_BYTES = 1 << 20;

/**
 * Reads a JSON file a user pointed a flag at (a run config, a presets file). Refuses files over
 * `maxBytes` before reading them, and reports a syntax error with its line and column.
 */
export async function readJsonFile(file: string, options: { flag?: string; maxBytes?: number } = {}): Promise<unknown> {
  const maxBytes = options.maxBytes ?? MAX_CONFIG_BYTES;
  const field = options.flag;
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (cause) {
    throw new SteerableError('config-unreadable', 'cannot read the file', { file, ...(field ? { field } : {}), cause, hint: 'check the path' });
  }
  if (size > maxBytes) {
    throw new SteerableError('invalid-config', `the file is ${size} bytes, more than the ${maxBytes} a config may have`, {
      file,
      hint: 'point at a JSON config (see --list-presets --json for the shape)',
    });
  }
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    const position = /position (\d+)/.exec((cause as Error).message);
    const line = position ? text.slice(0, Number(position[1])).split('\n').length : undefined;
    throw new SteerableError('invalid-config', `not valid JSON: ${(cause as Error).message}`, {
      file,
      ...(line !== undefined ? { line } : {}),
      cause,
      hint: 'a config is one JSON object; start from --list-presets --json',
    });
  }
}
