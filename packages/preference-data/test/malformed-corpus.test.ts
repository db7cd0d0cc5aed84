import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SteerableError } from '@steerable/core';
import { type DataIssue, inspectFile, readEmbeddingStore } from '../src/index.js';
import { CLEAN_CASES, CORPUS, type Expected, PREFERENCE_CASES, STORE_CASES } from './corpus/fixture-cases.js';

function checkIssue(issue: DataIssue | SteerableError, file: string, expected: Expected): void {
  expect(issue.file).toBe(file);
  expect(issue.line !== undefined || issue.field !== undefined).toBe(true);
  if (expected.line !== undefined) expect(issue.line).toBe(expected.line);
  if (expected.field !== undefined) expect(issue.field).toBe(expected.field);
  expect(issue.hint!.length).toBeGreaterThan(10);
}

describe('malformed-input corpus', () => {
  it('has at least 30 malformed inputs, every one listed here', () => {
    const entries = readdirSync(CORPUS).filter((name) => name !== 'make-fixtures.mjs');
    const listed = [...Object.keys(PREFERENCE_CASES), ...Object.keys(CLEAN_CASES), ...Object.keys(STORE_CASES)];
    expect(entries.sort()).toEqual(listed.sort());
    expect(Object.keys(PREFERENCE_CASES).length + Object.keys(STORE_CASES).length).toBeGreaterThanOrEqual(30);
  });

  for (const [name, expected] of Object.entries(PREFERENCE_CASES)) {
    it(`${name}: reports file, line/field, problem and fix`, async () => {
      const file = join(CORPUS, name);
      const report = await inspectFile(file, expected.options ?? {});
      expect(report.errorCount).toBeGreaterThan(0);
      const issue = report.errors.find((e) => expected.message.test(e.message));
      expect(issue, `no issue matching ${expected.message} in ${JSON.stringify(report.errors)}`).toBeDefined();
      checkIssue(issue!, file, expected);
      if (expected.pairs !== undefined) expect(report.pairs).toBe(expected.pairs);
    });
  }

  for (const [name, expected] of Object.entries(CLEAN_CASES)) {
    it(`${name}: reads cleanly`, async () => {
      const report = await inspectFile(join(CORPUS, name));
      expect(report.errors).toEqual([]);
      expect(report.pairs).toBe(expected.pairs);
      expect(report.format).toBe('trl');
    });
  }

  it('ok-bom / ok-crlf: the BOM and CR do not leak into values', async () => {
    const { readPreferencePairs } = await import('../src/index.js');
    const [bom] = await readPreferencePairs(join(CORPUS, 'ok-bom.jsonl'));
    const crlf = await readPreferencePairs(join(CORPUS, 'ok-crlf.jsonl'));
    expect(bom!.prompt).toBe('p1');
    expect(crlf.map((p) => p.rejected)).toEqual(['bad 1', 'bad 2', 'bad 3']);
  });

  for (const [name, expected] of Object.entries(STORE_CASES)) {
    it(`${name}: the store reader throws a located SteerableError`, async () => {
      const error = await readEmbeddingStore(join(CORPUS, name)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SteerableError);
      const steerable = error as SteerableError;
      expect(steerable.message).toMatch(expected.message);
      checkIssue(steerable, join(CORPUS, name, expected.file), expected);
      expect(steerable.message).toMatch(/\n {2}fix: /);
    });
  }

  it('strict reading throws the first problem as a SteerableError, never a library error', async () => {
    const { readPreferencePairs } = await import('../src/index.js');
    for (const name of Object.keys(PREFERENCE_CASES)) {
      const error = await readPreferencePairs(join(CORPUS, name), PREFERENCE_CASES[name]!.options ?? {}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(SteerableError);
      expect((error as SteerableError).file, name).toBe(join(CORPUS, name));
    }
  });
});
