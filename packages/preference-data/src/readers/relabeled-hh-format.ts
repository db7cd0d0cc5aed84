import { z } from 'zod';
import type { PreferencePair } from '../types/preference-pair.js';
import { normalizeSplit } from './common-fields.js';
import type { RecordFormat } from './record-format.js';
import { type FieldHints, reportZodIssues } from './zod-issues.js';

const schema = z.object({
  prompt: z.string().min(1),
  // Empty and identical responses are real: the published files hold a few such pairs, and a
  // label on them is still a (weak) preference, so they are kept (as TRL keeps them).
  responses: z.tuple([z.string(), z.string()]),
  label: z.literal([0, 1]),
  objective: z.string().min(1),
  data_subset: z.string().optional(),
  Index: z.number().int().optional(),
});

const HINTS: FieldHints = {
  prompt: "give every record the conversation up to the last assistant turn in 'prompt'",
  responses: "give every record exactly two candidate responses (strings) in 'responses'",
  label: "set 'label' to 0 or 1, the index in 'responses' of the preferred one",
  objective: "set 'objective' to the annotator objective (for example 'helpful' or 'harmless'); it is the user type",
  Index: "'Index' must be an integer row id, or leave it out",
  '*': 'see the relabeled HH-RLHF format: {prompt, responses, label, objective, data_subset}',
};

const INTERPRETED = new Set(['prompt', 'responses', 'label', 'objective', 'split']);

/**
 * The relabeled HH-RLHF files (Siththaranjan et al. 2023): two candidate `responses`, `label` the
 * index of the one preferred under `objective`, which is the user type.
 */
export const relabeledHhFormat: RecordFormat = {
  name: 'relabeled-hh',
  description: 'relabeled HH-RLHF {prompt, responses, label, objective} (objective = user type)',
  matches: (record) => 'responses' in record && 'label' in record && 'objective' in record,
  toPairs(record, context) {
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      reportZodIssues(parsed.error, record, context, HINTS);
      return [];
    }
    const { prompt, responses, label, objective, Index } = parsed.data;
    const pair: PreferencePair = {
      id: Index !== undefined ? `${objective}:${Index}` : `${context.file}:${context.line}`,
      prompt,
      chosen: responses[label],
      rejected: responses[1 - label]!,
      user: objective,
    };
    const extra: Record<string, unknown> = {};
    for (const key in record) if (!INTERPRETED.has(key)) extra[key] = record[key];
    pair.extra = extra;
    const split = normalizeSplit(record['split'], context);
    if (split === null) return [];
    if (split) pair.split = split;
    return [pair];
  },
};
