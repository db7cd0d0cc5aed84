import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@steerable/core';
import type { TokenizedExample } from '../logprobs/sequence-batch.js';
import { REFERENCE_MODE, type Policy } from '../policy/policy.js';
import { batchedLogProbs } from './batched.js';

/** A key for (model weights, sequences): sha256 over every base parameter's bytes and the token ids. */
export async function referenceCacheKey(policy: Policy, examples: readonly TokenizedExample[]): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(policy.model.config));
  for (const [name, v] of policy.model.namedParameters()) {
    hash.update(name);
    const data = (await v.data()) as Float32Array;
    hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  for (const e of examples) hash.update(`${e.prompt.join(',')}|${e.response.join(',')};`);
  return hash.digest('hex').slice(0, 32);
}

/**
 * log pi_ref(response | prompt) for every example (adapters off), computed once and cached on
 * disk as raw float32 under `<cacheDir>/ref-logps-<key>.f32`, keyed by model and data hash.
 */
export async function cachedReferenceLogProbs(
  policy: Policy,
  examples: readonly TokenizedExample[],
  padId: number,
  cacheDir: string,
): Promise<{ values: Float32Array; hit: boolean; file: string }> {
  const file = join(cacheDir, `ref-logps-${await referenceCacheKey(policy, examples)}.f32`);
  try {
    const bytes = await readFile(file);
    if (bytes.byteLength === examples.length * 4)
      return { values: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), hit: true, file };
  } catch {
    // Not cached yet.
  }
  const values = await batchedLogProbs(policy, examples, REFERENCE_MODE, padId);
  await mkdir(cacheDir, { recursive: true });
  await writeFileAtomic(file, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  return { values, hit: false, file };
}
