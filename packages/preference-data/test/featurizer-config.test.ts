import { describe, expect, it } from 'vitest';
import { parseConfig, SteerableError } from '@steerable/core';
import {
  createFeaturizer,
  featurizerConfigSchema,
  preferenceDataConfigSchema,
  preferredTextFeaturizer,
  USE_LITE_FEATURE_DIM,
  USE_LITE_INSTALL_COMMAND,
  useLiteDescription,
} from '../src/index.js';

const missing = async (name: string): Promise<string> => {
  throw new Error(`Cannot find package '${name}'`);
};

function thrown(run: () => unknown): SteerableError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SteerableError);
    return error as SteerableError;
  }
  throw new Error('expected a SteerableError');
}

describe('use-lite in a featurizer config', () => {
  it('parses with its defaults, as a run data config does', () => {
    expect(parseConfig(featurizerConfigSchema, { kind: 'use-lite' })).toEqual({ kind: 'use-lite', maxTokens: 128, batchSize: 32 });
    const data = parseConfig(preferenceDataConfigSchema, { source: 'file', path: 'x.jsonl', featurizer: { kind: 'use-lite', maxTokens: 64 } });
    expect(data).toMatchObject({ featurizer: { kind: 'use-lite', maxTokens: 64, batchSize: 32 } });
  });

  it('is strict: an unknown key is refused, naming the field and the nearest valid key', () => {
    const error = thrown(() => parseConfig(featurizerConfigSchema, { kind: 'use-lite', maxToken: 64 }, { fieldPrefix: 'data.featurizer' }));
    expect(error.field).toBe('data.featurizer.maxToken');
    expect(error.hint).toMatch(/did you mean 'maxTokens'/);
  });

  it('refuses a token cut beyond what the graph reads, and a batch size below one', () => {
    expect(thrown(() => parseConfig(featurizerConfigSchema, { kind: 'use-lite', maxTokens: 129 })).field).toBe('maxTokens');
    expect(thrown(() => parseConfig(featurizerConfigSchema, { kind: 'use-lite', batchSize: 0 })).field).toBe('batchSize');
  });

  it('builds a featurizer that describes itself without loading the model', async () => {
    const featurizer = (await createFeaturizer({ kind: 'use-lite', maxTokens: 64, batchSize: 8 })) as Awaited<ReturnType<typeof createFeaturizer>> & {
      loaded: boolean;
    };
    expect(featurizer.dim).toBe(USE_LITE_FEATURE_DIM);
    expect(featurizer.description).toEqual(useLiteDescription(64));
    expect(featurizer.loaded).toBe(false);
    featurizer.dispose?.();
  });

  it('says what to npm install when the model package is missing, before anything loads', async () => {
    const error = await createFeaturizer({ kind: 'use-lite', maxTokens: 128, batchSize: 32 }, { useLite: { resolvePackageDirectory: missing } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SteerableError);
    expect((error as SteerableError).code).toBe('missing-package');
    expect((error as SteerableError).hint).toContain(USE_LITE_INSTALL_COMMAND);
  });
});

describe('preferredTextFeaturizer', () => {
  it('is use-lite when its package is installed (a devDependency here), else hashed n-grams with the install command', async () => {
    const installed = await preferredTextFeaturizer();
    expect(installed.config).toEqual({ kind: 'use-lite', maxTokens: 128, batchSize: 32 });
    const absent = await preferredTextFeaturizer({ resolvePackageDirectory: missing });
    expect(absent.config).toEqual({ kind: 'hashed-ngrams', dim: 2048 });
    expect(absent.reason).toContain(USE_LITE_INSTALL_COMMAND);
  });
});
