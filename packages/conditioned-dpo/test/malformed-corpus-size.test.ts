import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { MalformedInputCase, MalformedInputConsumer } from '@steerable/core/testing';

/**
 * The repository-wide list lives outside every package (test/corpus/index.ts), so it is loaded
 * by path: a static import would leave this package's rootDir. The apps' CLI tests load it the
 * same way.
 */
async function allCases(): Promise<readonly MalformedInputCase[]> {
  const path = fileURLToPath(new URL('../../../test/corpus/index.ts', import.meta.url));
  return ((await import(path)) as { MALFORMED_INPUT_CASES: readonly MalformedInputCase[] }).MALFORMED_INPUT_CASES;
}

describe('the malformed-input corpus', () => {
  it('holds at least 200 generated inputs, unique ids, covering every consumer and the required defects', async () => {
    const cases = await allCases();
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    const consumers: MalformedInputConsumer[] = ['safetensors', 'checkpoint', 'preference-file', 'embedding-store', 'gpt2-model', 'tokenizer'];
    for (const consumer of consumers) expect(cases.filter((c) => c.consumer === consumer).length, consumer).toBeGreaterThanOrEqual(10);
    const ids = cases.map((c) => c.id).join('\n');
    for (const required of [/header-length-1tb/, /shape-negative/, /shape-huge/, /dtype-lie/, /nan/i, /path-traversal/, /utf8/, /gzip-truncated/])
      expect(ids).toMatch(required);
    expect(cases.filter((c) => c.claimsHugeAllocation).length).toBeGreaterThanOrEqual(15);
  });
});
