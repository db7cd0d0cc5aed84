import { readFile } from 'node:fs/promises';
import { SteerableError } from '@steerable/core';
import type { z } from 'zod';
import { type RewardRunConfig, type RewardRunConfigInput, rewardRunConfigSchema } from './reward-config.js';
import { REWARD_PRESETS } from './reward-presets.js';

export interface RewardConfigOverrides {
  data?: string;
  format?: string;
  seed?: number;
  epochs?: number;
}

/** A preset by name, or a JSON config file; then command-line overrides; then validation. */
export async function resolveRewardConfig(source: { preset?: string; config?: string }, overrides: RewardConfigOverrides): Promise<RewardRunConfig> {
  if (!source.preset === !source.config) {
    throw new SteerableError('invalid-argument', 'give exactly one of --preset NAME or --config FILE', { hint: 'run with --list-presets to see the presets' });
  }
  let input: RewardRunConfigInput;
  let file: string | undefined;
  if (source.preset) {
    const preset = REWARD_PRESETS[source.preset];
    if (!preset) {
      throw new SteerableError('unknown-preset', `no reward preset named '${source.preset}'`, { field: 'preset', hint: `choose one of: ${Object.keys(REWARD_PRESETS).join(', ')}` });
    }
    input = structuredClone(preset);
  } else {
    file = source.config!;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      throw new SteerableError('config-unreadable', 'cannot read the config file', { file, cause, hint: 'check the path' });
    }
    try {
      input = JSON.parse(text) as RewardRunConfigInput;
    } catch (cause) {
      throw new SteerableError('invalid-config', `not valid JSON: ${(cause as Error).message}`, { file, cause, hint: 'the config is a JSON object; see --list-presets --json for examples' });
    }
  }
  if (overrides.data) {
    const previous = input.data as { featureDim?: number };
    input.data = { source: 'file', path: overrides.data, ...(overrides.format ? { format: overrides.format } : {}), ...(previous.featureDim ? { featureDim: previous.featureDim } : {}) };
  }
  if (overrides.seed !== undefined) input.seed = overrides.seed;
  if (overrides.epochs !== undefined) input.training = { ...(input.training ?? {}), epochs: overrides.epochs };
  if (input.data.source === 'file' && !input.data.path) {
    throw new SteerableError('invalid-config', `preset '${input.name}' needs a data file`, { field: 'data.path', hint: 'pass --data FILE' });
  }
  return validate(input, file);
}

export function validate(input: unknown, file?: string): RewardRunConfig {
  const parsed = rewardRunConfigSchema.safeParse(input);
  if (!parsed.success) throw configError(parsed.error, file);
  return parsed.data;
}

function configError(error: z.ZodError, file?: string): SteerableError {
  const issue = error.issues[0]!;
  const field = issue.path.join('.') || undefined;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : '';
  return new SteerableError('invalid-config', `${issue.message}${more}`, {
    ...(file ? { file } : {}),
    ...(field ? { field } : {}),
    hint: 'fix the field; every field and its default is listed by --list-presets --json',
  });
}
