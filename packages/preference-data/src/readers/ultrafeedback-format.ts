import { z } from 'zod';
import type { PreferencePair } from '../types/preference-pair.js';
import { normalizeSplit } from './common-fields.js';
import type { RecordContext, RecordFormat } from './record-format.js';
import { type FieldHints, reportZodIssues } from './zod-issues.js';

export const ULTRAFEEDBACK_CRITERIA = ['helpfulness', 'honesty', 'truthfulness', 'instruction_following'] as const;
export type UltraFeedbackCriterion = (typeof ULTRAFEEDBACK_CRITERIA)[number];

const rating = z.union([z.number(), z.string()]);
const annotation = z.looseObject({ Rating: rating });
const completion = z.looseObject({
  response: z.string(),
  annotations: z.record(z.string(), annotation),
});
const schema = z.looseObject({ instruction: z.string().min(1), completions: z.array(completion) });

const HINTS: FieldHints = {
  instruction: "give every row its prompt in 'instruction'",
  completions: "give every row a list 'completions' of {response, annotations: {criterion: {Rating}}}",
  '*': 'see the UltraFeedback schema: {instruction, completions[].response, completions[].annotations.<criterion>.Rating}',
};

/** One UltraFeedback row, validated: ratings are numbers, or undefined for "N/A". */
export interface UltraFeedbackRow {
  id: string;
  prompt: string;
  responses: string[];
  ratings: Partial<Record<string, number>>[];
  split?: PreferencePair['split'];
}

/** Validates a row; returns undefined after reporting when it is malformed. */
export function parseUltraFeedbackRow(record: Record<string, unknown>, context: RecordContext): UltraFeedbackRow | undefined {
  const parsed = schema.safeParse(record);
  if (!parsed.success) {
    reportZodIssues(parsed.error, record, context, HINTS);
    return undefined;
  }
  const ratings: Partial<Record<string, number>>[] = [];
  let ok = true;
  parsed.data.completions.forEach((c, i) => {
    const scores: Partial<Record<string, number>> = {};
    for (const [criterion, value] of Object.entries(c.annotations)) {
      const raw = value.Rating;
      if (raw === 'N/A' || raw === '') continue;
      const score = typeof raw === 'number' ? raw : Number(raw);
      if (!Number.isFinite(score)) {
        context.report(
          `completions.${i}.annotations.${criterion}.Rating`,
          `must be a number (or "N/A"), got ${JSON.stringify(raw)}`,
          'ratings are 1-5 (numbers or numeric strings); use "N/A" for a missing rating',
        );
        ok = false;
        continue;
      }
      scores[criterion] = score;
    }
    ratings.push(scores);
  });
  const split = normalizeSplit(record['split'], context);
  if (!ok || split === null) return undefined;
  const id = record['id'] ?? record['prompt_id'];
  return {
    id: typeof id === 'string' || typeof id === 'number' ? String(id) : `${context.file}:${context.line}`,
    prompt: parsed.data.instruction,
    responses: parsed.data.completions.map((c) => c.response),
    ratings,
    ...(split ? { split } : {}),
  };
}

/**
 * UltraFeedback rows: every response pair, one preference per criterion that rates both and does
 * not tie (user = the criterion). The HH/HHT builder (`buildUltraFeedbackSet`) adds the paper's
 * conflict filter and split.
 */
export const ultraFeedbackFormat: RecordFormat = {
  name: 'ultrafeedback',
  description: 'UltraFeedback rows {instruction, completions[].annotations.<criterion>.Rating}; user = criterion',
  matches: (record) => 'instruction' in record && 'completions' in record,
  toPairs(record, context) {
    const row = parseUltraFeedbackRow(record, context);
    if (!row) return [];
    const pairs: PreferencePair[] = [];
    for (let i = 0; i < row.responses.length; i++) {
      for (let j = i + 1; j < row.responses.length; j++) {
        for (const criterion of Object.keys(row.ratings[i]!)) {
          const a = row.ratings[i]![criterion];
          const b = row.ratings[j]![criterion];
          if (a === undefined || b === undefined || a === b) continue;
          const [winner, loser] = a > b ? [i, j] : [j, i];
          pairs.push({
            id: `${row.id}:${i}-${j}:${criterion}`,
            prompt: row.prompt,
            chosen: row.responses[winner]!,
            rejected: row.responses[loser]!,
            user: criterion,
            scores: { [criterion]: { chosen: Math.max(a, b), rejected: Math.min(a, b) } },
            ...(row.split ? { split: row.split } : {}),
          });
        }
      }
    }
    return pairs;
  },
};
