import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SteerableError, editDistance, knownKeysAt, nearestName, parseConfig } from '../src/index.js';

const optimizer = z.strictObject({
  lr: z.number().positive().default(1e-4),
  betas: z.tuple([z.number(), z.number()]).default([0.9, 0.999]),
  maxGradNorm: z.number().positive().nullable().default(null),
});
const data = z.discriminatedUnion('source', [
  z.strictObject({ source: z.literal('file'), path: z.string() }),
  z.strictObject({ source: z.literal('synthetic'), numPairs: z.number().int().default(10) }),
]);
const run = z.strictObject({
  name: z.string(),
  data,
  training: z
    .strictObject({ epochs: z.number().int().default(3), optimizer: optimizer.default({ lr: 1e-4, betas: [0.9, 0.999], maxGradNorm: null }) })
    .default({ epochs: 3, optimizer: { lr: 1e-4, betas: [0.9, 0.999], maxGradNorm: null } }),
});

function errorOf(fn: () => unknown): SteerableError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SteerableError) return error;
    throw error;
  }
  throw new Error('expected a SteerableError');
}

describe('parseConfig', () => {
  it('fills defaults and returns the typed value', () => {
    const parsed = parseConfig(run, { name: 'a', data: { source: 'synthetic' } });
    expect(parsed.training.optimizer.betas).toEqual([0.9, 0.999]);
    expect(parsed.data).toEqual({ source: 'synthetic', numPairs: 10 });
  });

  it('refuses a misspelt nested key with its path, the file and the nearest valid key', () => {
    const error = errorOf(() =>
      parseConfig(run, { name: 'a', data: { source: 'file', path: 'x' }, training: { optimizer: { betass: [0.9, 0.99] } } }, { file: 'run.json' }),
    );
    expect(error.code).toBe('invalid-config');
    expect(error.field).toBe('training.optimizer.betass');
    expect(error.file).toBe('run.json');
    expect(error.hint).toContain("did you mean 'betas'?");
    expect(error.message).toContain("unknown key 'betass' in 'training.optimizer'");
  });

  it('follows a discriminated union to the option the input selects', () => {
    const error = errorOf(() => parseConfig(run, { name: 'a', data: { source: 'synthetic', numPair: 3 } }));
    expect(error.field).toBe('data.numPair');
    expect(error.hint).toContain("did you mean 'numPairs'?");
    expect(knownKeysAt(run, ['data'], { data: { source: 'file' } })).toEqual(['source', 'path']);
  });

  it('names the field of a wrong value, with the prefix of the section', () => {
    const error = errorOf(() => parseConfig(optimizer, { lr: -1 }, { fieldPrefix: 'training.optimizer' }));
    expect(error.field).toBe('training.optimizer.lr');
    expect(error.message).toContain('got -1');
  });

  it('offers no suggestion for a key unlike any valid one', () => {
    const error = errorOf(() => parseConfig(optimizer, { momentum: 0.9 }));
    expect(error.hint).not.toContain('did you mean');
    expect(error.hint).toContain('valid keys here: lr, betas, maxGradNorm');
  });
});

describe('nearestName', () => {
  it('measures edits and only suggests plausible typos', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(nearestName('lerningRate', ['lr', 'learningRate'])).toBe('learningRate');
    expect(nearestName('xyz', ['learningRate'])).toBeUndefined();
  });
});
