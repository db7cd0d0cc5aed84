import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { entryToFloat32, float32Entry, readSafetensors, SteerableError, writeFileAtomic, writeSafetensors } from '@steerable/core';
import { z } from 'zod';
import { type DataIssue, IssueCollector, issueToError } from '../errors/data-issue.js';
import { jsonlRecords } from '../readers/jsonl-source.js';
import type { RecordContext } from '../readers/record-format.js';
import { type FieldHints, reportZodIssues } from '../readers/zod-issues.js';
import type { EmbeddedPairSet, PreferenceLabel } from '../types/embedded-pair-set.js';
import type { SplitName } from '../types/preference-pair.js';
import { readNpy, writeNpy } from './npy.js';

/**
 * An embedding store is a directory: `index.jsonl`, one line per pair
 * `{idx, id?, split, choices: {user: 0|1}, splits?: {user: split}}` (choices: which option each
 * user type preferred; `splits` only when a pair's labels are in different splits), plus the
 * options as `embeddings.npy` or `embeddings.safetensors` (tensor `options`) of shape
 * [numPairs, 2, dim], or inline in the index as `options: [[...a], [...b]]` (format `jsonl`).
 */
export type EmbeddingStoreFormat = 'npy' | 'safetensors' | 'jsonl';

export const INDEX_FILE = 'index.jsonl';
export const NPY_FILE = 'embeddings.npy';
export const SAFETENSORS_FILE = 'embeddings.safetensors';
const TENSOR_NAME = 'options';

const split = z.enum(['train', 'validation', 'test']);
const vector = z.array(z.number());
const indexLine = z.object({
  idx: z.number().int().nonnegative(),
  id: z.string().optional(),
  split: split.optional(),
  choices: z.record(z.string().min(1), z.literal([0, 1])),
  splits: z.record(z.string(), split).optional(),
  options: z.tuple([vector, vector]).optional(),
});

const HINTS: FieldHints = {
  idx: "'idx' is the pair's row in the embeddings file: a non-negative integer",
  split: "'split' must be 'train', 'validation' or 'test'",
  choices: '\'choices\' maps each user (type) to the option it preferred: {"helpful": 0, "harmless": 1}',
  splits: "'splits' maps users to 'train' / 'validation' / 'test' when a pair's labels differ in split",
  options: "'options' holds the two embeddings [[...a], [...b]] as finite numbers of equal length",
  '*': 'see the embedding store index format: {idx, split, choices}',
};

export async function writeEmbeddingStore(directory: string, set: EmbeddedPairSet, format: EmbeddingStoreFormat = 'npy'): Promise<void> {
  await mkdir(directory, { recursive: true });
  const byPair: { choices: Record<string, 0 | 1>; splits: Record<string, SplitName> }[] = Array.from({ length: set.numPairs }, () => ({
    choices: {},
    splits: {},
  }));
  for (const label of set.labels) {
    byPair[label.pair]!.choices[label.user] = label.preferred;
    byPair[label.pair]!.splits[label.user] = label.split;
  }
  const lines: string[] = [];
  const d = set.dim;
  byPair.forEach((entry, idx) => {
    const splitValues = new Set(Object.values(entry.splits));
    const record: Record<string, unknown> = { idx };
    if (set.pairIds?.[idx] !== undefined) record['id'] = set.pairIds[idx];
    if (splitValues.size === 1) record['split'] = [...splitValues][0];
    else if (splitValues.size > 1) record['splits'] = entry.splits;
    record['choices'] = entry.choices;
    if (format === 'jsonl')
      record['options'] = [
        Array.from(set.options.subarray(2 * idx * d, (2 * idx + 1) * d)),
        Array.from(set.options.subarray((2 * idx + 1) * d, (2 * idx + 2) * d)),
      ];
    lines.push(JSON.stringify(record));
  });
  if (format === 'npy') await writeNpy(join(directory, NPY_FILE), set.options, [set.numPairs, 2, d]);
  if (format === 'safetensors')
    await writeSafetensors(join(directory, SAFETENSORS_FILE), new Map([[TENSOR_NAME, float32Entry([set.numPairs, 2, d], set.options)]]), {
      embedding: JSON.stringify(set.embedding ?? {}),
    });
  await writeFileAtomic(join(directory, INDEX_FILE), `${lines.join('\n')}\n`);
}

/**
 * Reads a store back into an EmbeddedPairSet, validating every index line and the embeddings
 * (shape, finiteness, one index line per row). Throws a SteerableError naming the first problem's
 * file, line and field, and how many more there were.
 */
export async function readEmbeddingStore(directory: string): Promise<EmbeddedPairSet> {
  const indexFile = join(directory, INDEX_FILE);
  if (!existsSync(indexFile))
    throw new SteerableError('file-not-found', `no ${INDEX_FILE} in the embedding store`, {
      file: directory,
      hint: 'point at a directory written by writeEmbeddingStore (index.jsonl + embeddings.npy or .safetensors)',
    });
  const issues = new IssueCollector(20);
  let line = 0;
  const context: RecordContext = {
    file: indexFile,
    line: 0,
    report: (field, message, hint) => issues.add({ file: indexFile, line, ...(field !== undefined ? { field } : {}), message, hint }),
  };
  const entries: (z.infer<typeof indexLine> & { line: number })[] = [];
  for await (const event of jsonlRecords(indexFile)) {
    if (event.kind === 'issue') {
      issues.add(event.issue);
      continue;
    }
    line = context.line = event.line;
    const parsed = indexLine.safeParse(event.record);
    if (!parsed.success) {
      reportZodIssues(parsed.error, event.record, context, HINTS);
      continue;
    }
    if (parsed.data.split === undefined && parsed.data.splits === undefined) {
      context.report('split', 'is missing', HINTS['split']!);
      continue;
    }
    entries.push({ ...parsed.data, line });
  }
  const npyFile = join(directory, NPY_FILE);
  const safetensorsFile = join(directory, SAFETENSORS_FILE);
  let options: Float32Array;
  let dim: number;
  let rows: number;
  let embeddingsFile: string;
  if (existsSync(npyFile) || existsSync(safetensorsFile)) {
    let shape: number[];
    if (existsSync(npyFile)) {
      embeddingsFile = npyFile;
      ({ shape, data: options } = await readNpy(npyFile));
    } else {
      embeddingsFile = safetensorsFile;
      const entry = (await readSafetensors(safetensorsFile)).tensors.get(TENSOR_NAME);
      if (!entry)
        throw new SteerableError('invalid-data', `no tensor '${TENSOR_NAME}'`, {
          file: safetensorsFile,
          field: TENSOR_NAME,
          hint: `store the option embeddings as tensor '${TENSOR_NAME}' of shape [numPairs, 2, dim]`,
        });
      shape = entry.shape;
      options = entryToFloat32(entry, TENSOR_NAME, safetensorsFile);
      const bad = options.findIndex((v) => !Number.isFinite(v));
      if (bad !== -1)
        throw new SteerableError('invalid-data', `pair ${Math.floor(bad / (2 * (shape[2] ?? 1)))} holds ${options[bad]}`, {
          file: safetensorsFile,
          field: `${TENSOR_NAME}[${Math.floor(bad / (2 * (shape[2] ?? 1)))}]`,
          hint: 'embeddings must be finite; recompute that pair',
        });
    }
    if (shape.length !== 3 || shape[1] !== 2)
      throw new SteerableError('invalid-data', `embeddings have shape (${shape.join(', ')}), expected (numPairs, 2, dim)`, {
        file: embeddingsFile,
        field: 'shape',
        hint: 'stack option a and b of each pair: array of shape [numPairs, 2, dim]',
      });
    rows = shape[0]!;
    dim = shape[2]!;
  } else {
    embeddingsFile = indexFile;
    const first = entries.find((e) => e.options);
    if (!first && issues.count > 0) throw summarize(issues.issues[0]!, issues.count);
    if (!first)
      throw new SteerableError('file-not-found', `no ${NPY_FILE}, ${SAFETENSORS_FILE} or inline 'options' in the embedding store`, {
        file: directory,
        hint: 'write the embeddings next to index.jsonl, or inline them as options: [[...a], [...b]]',
      });
    dim = first.options![0].length;
    rows = entries.length;
    options = new Float32Array(rows * 2 * dim);
    for (const entry of entries) {
      if (!entry.options) {
        issues.add({
          file: indexFile,
          line: entry.line,
          field: 'options',
          message: 'is missing (other lines inline their embeddings)',
          hint: HINTS['options']!,
        });
        continue;
      }
      entry.options.forEach((vec, side) => {
        if (vec.length !== dim)
          issues.add({
            file: indexFile,
            line: entry.line,
            field: `options.${side}`,
            message: `ragged: has ${vec.length} floats, line ${first.line} has ${dim}`,
            hint: 'every embedding must have the same dimension; recompute it with the same model',
          });
        else if (entry.idx < rows) options.set(vec, (2 * entry.idx + side) * dim);
      });
    }
  }
  const seen = new Map<number, number>();
  const labels: PreferenceLabel[] = [];
  for (const entry of entries) {
    const previous = seen.get(entry.idx);
    if (previous !== undefined) {
      issues.add({
        file: indexFile,
        line: entry.line,
        field: 'idx',
        message: `duplicate idx ${entry.idx} (first on line ${previous})`,
        hint: 'each pair (row of the embeddings) must appear on exactly one index line',
      });
      continue;
    }
    seen.set(entry.idx, entry.line);
    if (entry.idx >= rows) {
      issues.add({
        file: indexFile,
        line: entry.line,
        field: 'idx',
        message: `idx ${entry.idx} is out of range: ${embeddingsFile} has ${rows} pairs`,
        hint: 'the index and the embeddings are out of sync; write them together',
      });
      continue;
    }
    for (const [user, preferred] of Object.entries(entry.choices)) {
      const labelSplit = entry.splits?.[user] ?? entry.split;
      if (!labelSplit) {
        issues.add({ file: indexFile, line: entry.line, field: `splits.${user}`, message: 'is missing', hint: HINTS['splits']! });
        continue;
      }
      labels.push({ pair: entry.idx, user, preferred, split: labelSplit });
    }
  }
  if (issues.count === 0 && seen.size !== rows) {
    issues.add({
      file: indexFile,
      line: entries.length,
      message: `index has ${seen.size} pairs but ${embeddingsFile} has ${rows}`,
      hint: 'the index and the embeddings are out of sync; write them together',
    });
  }
  if (issues.count > 0) throw summarize(issues.issues[0]!, issues.count);
  const pairIds = entries.some((e) => e.id !== undefined) ? Array.from({ length: rows }, () => '') : undefined;
  if (pairIds) for (const entry of entries) pairIds[entry.idx] = entry.id ?? String(entry.idx);
  return { dim, numPairs: rows, options, labels, ...(pairIds ? { pairIds } : {}), embedding: { kind: 'store', directory } };
}

function summarize(first: DataIssue, count: number): SteerableError {
  return issueToError(count > 1 ? { ...first, message: `${first.message} (and ${count - 1} more problems)` } : first);
}
