import { z } from 'zod';
import { applyCommonColumns } from './common-fields.js';
import type { RecordFormat } from './record-format.js';
import { recordId } from './trl-format.js';
import { type FieldHints, reportZodIssues } from './zod-issues.js';

const ASSISTANT_TAG = '\n\nAssistant:';

const schema = z.object({ chosen: z.string(), rejected: z.string() });

const HINTS: FieldHints = {
  chosen: "give every record a 'chosen' transcript ('\\n\\nHuman: ...\\n\\nAssistant: ...')",
  rejected: "give every record a 'rejected' transcript ('\\n\\nHuman: ...\\n\\nAssistant: ...')",
  '*': 'see the Anthropic HH-RLHF format: {chosen, rejected} transcripts',
};

const INTERPRETED = new Set(['chosen', 'rejected', 'split']);

/**
 * Splits two HH-RLHF transcripts into prompt and responses: the prompt is their shared prefix up
 * to and including the last `\n\nAssistant:` inside it; the responses are what follows.
 */
export function splitTranscripts(chosen: string, rejected: string): { prompt: string; chosen: string; rejected: string } | undefined {
  let common = 0;
  const limit = Math.min(chosen.length, rejected.length);
  while (common < limit && chosen.charCodeAt(common) === rejected.charCodeAt(common)) common++;
  const tag = chosen.lastIndexOf(ASSISTANT_TAG, common - ASSISTANT_TAG.length);
  if (tag === -1 || common < ASSISTANT_TAG.length) return undefined;
  const end = tag + ASSISTANT_TAG.length;
  return { prompt: chosen.slice(0, end), chosen: chosen.slice(end).trimStart(), rejected: rejected.slice(end).trimStart() };
}

/** Anthropic HH-RLHF: `{chosen, rejected}` full transcripts. */
export const hhRlhfFormat: RecordFormat = {
  name: 'hh-rlhf',
  description: 'Anthropic HH-RLHF {chosen, rejected} transcripts',
  matches: (record) =>
    typeof record['chosen'] === 'string' && typeof record['rejected'] === 'string' && !('prompt' in record) && record['chosen'].includes(ASSISTANT_TAG),
  toPairs(record, context) {
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      reportZodIssues(parsed.error, record, context, HINTS);
      return [];
    }
    const split = splitTranscripts(parsed.data.chosen, parsed.data.rejected);
    if (!split) {
      context.report(
        'chosen',
        "chosen and rejected share no prefix ending in '\\n\\nAssistant:'",
        "both transcripts must start with the same conversation and end with a final '\\n\\nAssistant:' turn; for other data use the TRL format with a 'prompt' field",
      );
      return [];
    }
    const pair = { id: recordId(record, context), ...split };
    if (!applyCommonColumns(pair, record, INTERPRETED, context)) return [];
    return [pair];
  },
};
