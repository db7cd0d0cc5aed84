import { Rng, SteerableError } from '@steerable/core';
import type { PreferenceLabel } from '../types/embedded-pair-set.js';
import type { SplitName } from '../types/preference-pair.js';
import type { TextPair, TextPairSet } from '../types/text-pair-set.js';
import { assignSplits, type SplitFractions } from '../splits/split-fractions.js';
import { jsonlRecords } from './jsonl-source.js';
import { csvRecords } from './csv-source.js';
import { parquetRecords } from './parquet-source.js';
import { detectContainer } from './detect-format.js';
import { type DataIssue, IssueCollector } from '../errors/data-issue.js';
import { parseUltraFeedbackRow, type UltraFeedbackRow } from './ultrafeedback-format.js';
import type { RecordEvent } from './record-source.js';

/** The paper's two UltraFeedback settings. */
export const ULTRAFEEDBACK_SETTINGS = {
  HH: ['helpfulness', 'honesty'],
  HHT: ['helpfulness', 'honesty', 'truthfulness'],
} as const;

export interface UltraFeedbackBuildOptions {
  /** 'HH', 'HHT' or an explicit list of criteria (each one a user type). */
  criteria: keyof typeof ULTRAFEEDBACK_SETTINGS | readonly string[];
  seed?: number;
  splitFractions?: SplitFractions;
  /** Keep only pairs on which the criteria disagree (the paper; default true). */
  conflictingOnly?: boolean;
  /** Split whole prompts (default, no prompt in two splits) or individual pairs. */
  splitBy?: 'prompt' | 'pair';
}

export interface UltraFeedbackBuildResult extends TextPairSet {
  /** Why candidate pairs were dropped. */
  dropped: { missingRating: number; tie: number; agreeing: number };
}

/**
 * The paper's UltraFeedback builder: for each prompt, all pairs of its responses; a user of type
 * c prefers the response with the higher c rating. A pair is dropped when any selected criterion
 * ties or lacks a rating ("N/A"), and (by default) when all criteria agree, leaving only
 * conflicting pairs. Labels are split 80/10/10 (seeded) by prompt or by pair.
 */
export function buildUltraFeedbackSet(rows: readonly UltraFeedbackRow[], options: UltraFeedbackBuildOptions): UltraFeedbackBuildResult {
  const criteria = typeof options.criteria === 'string' ? ULTRAFEEDBACK_SETTINGS[options.criteria] : options.criteria;
  if (!criteria || criteria.length < 1)
    throw new SteerableError('invalid-argument', `unknown criteria ${JSON.stringify(options.criteria)}`, {
      field: 'criteria',
      hint: "use 'HH', 'HHT' or a list such as ['helpfulness', 'honesty']",
    });
  const conflictingOnly = options.conflictingOnly ?? true;
  const dropped = { missingRating: 0, tie: 0, agreeing: 0 };
  const pairs: TextPair[] = [];
  const choices: (0 | 1)[][] = [];
  const promptOfPair: number[] = [];
  rows.forEach((row, rowIndex) => {
    for (let i = 0; i < row.responses.length; i++) {
      for (let j = i + 1; j < row.responses.length; j++) {
        const preferred: (0 | 1)[] = [];
        let reason: keyof typeof dropped | undefined;
        for (const criterion of criteria) {
          const a = row.ratings[i]![criterion];
          const b = row.ratings[j]![criterion];
          if (a === undefined || b === undefined) reason ??= 'missingRating';
          else if (a === b) reason ??= 'tie';
          else preferred.push(a > b ? 0 : 1);
        }
        if (!reason && conflictingOnly && preferred.every((p) => p === preferred[0])) reason = 'agreeing';
        if (reason) {
          dropped[reason]++;
          continue;
        }
        pairs.push({ id: `${row.id}:${i}-${j}`, prompt: row.prompt, a: row.responses[i]!, b: row.responses[j]! });
        choices.push(preferred);
        promptOfPair.push(rowIndex);
      }
    }
  });
  const fractions = options.splitFractions ?? [0.8, 0.1, 0.1];
  const rng = new Rng(options.seed ?? 0);
  let splitOfPair: SplitName[];
  if ((options.splitBy ?? 'prompt') === 'prompt') {
    const promptSplits = assignSplits(rows.length, fractions, (order) => rng.shuffle(order));
    splitOfPair = promptOfPair.map((r) => promptSplits[r]!);
  } else {
    splitOfPair = assignSplits(pairs.length, fractions, (order) => rng.shuffle(order));
  }
  const labels: PreferenceLabel[] = [];
  choices.forEach((preferred, pair) =>
    criteria.forEach((criterion, c) => labels.push({ pair, user: criterion, preferred: preferred[c]!, split: splitOfPair[pair]! })),
  );
  return { pairs, labels, dropped };
}

/** Reads and validates UltraFeedback rows from JSONL, CSV or parquet, collecting issues. */
export async function readUltraFeedbackRows(
  file: string,
  options: { maxErrors?: number } = {},
): Promise<{ rows: UltraFeedbackRow[]; errors: DataIssue[]; errorCount: number }> {
  const issues = new IssueCollector(options.maxErrors ?? 100);
  const container = await detectContainer(file);
  const events: AsyncIterable<RecordEvent> = container === 'parquet' ? parquetRecords(file) : container === 'csv' ? csvRecords(file) : jsonlRecords(file);
  const rows: UltraFeedbackRow[] = [];
  for await (const event of events) {
    if (event.kind === 'issue') {
      issues.add(event.issue);
      continue;
    }
    const line = event.line;
    const row = parseUltraFeedbackRow(event.record, {
      file,
      line,
      report: (field, message, hint) => issues.add({ file, line, ...(field !== undefined ? { field } : {}), message, hint }),
    });
    if (row) rows.push(row);
  }
  return { rows, errors: issues.issues, errorCount: issues.count };
}
