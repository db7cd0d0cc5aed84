import { z } from 'zod';
import type { ChatMessage, PreferencePair } from '../types/preference-pair.js';
import { applyCommonColumns } from './common-fields.js';
import type { RecordContext, RecordFormat } from './record-format.js';
import { type FieldHints, reportZodIssues } from './zod-issues.js';

const message = z.object({ role: z.string().min(1), content: z.string() });
const conversation = z.array(message).min(1);

const plainSchema = z.object({ prompt: z.string(), chosen: z.string(), rejected: z.string() });
const conversationalSchema = z.object({ prompt: z.union([z.string(), conversation]).optional(), chosen: conversation, rejected: conversation });

const HINTS: FieldHints = {
  prompt: "give every record a 'prompt' string (or a list of {role, content} messages)",
  chosen: "give every record a 'chosen' response (a string, or a list of {role, content} messages)",
  rejected: "give every record a 'rejected' response (a string, or a list of {role, content} messages)",
  '*': 'see the TRL preference format: {prompt, chosen, rejected}',
};

const INTERPRETED = new Set(['prompt', 'chosen', 'rejected', 'split']);

/** Renders messages as `role: content` blocks, the text a featurizer sees. */
export function renderMessages(messages: readonly ChatMessage[]): string {
  return messages.map((m) => `${m.role}: ${m.content}`).join('\n\n');
}

/**
 * TRL's preference format: `{prompt, chosen, rejected}` as strings, or conversational with lists
 * of `{role, content}` (an absent prompt means the shared leading messages are the prompt).
 */
export const trlFormat: RecordFormat = {
  name: 'trl',
  description: 'TRL preference records {prompt, chosen, rejected}, plain or conversational',
  matches: (record) => 'chosen' in record && 'rejected' in record && ('prompt' in record || Array.isArray(record['chosen'])),
  toPairs(record, context) {
    const pair = Array.isArray(record['chosen']) || Array.isArray(record['prompt']) ? conversationalPair(record, context) : plainPair(record, context);
    if (!pair) return [];
    if (!applyCommonColumns(pair, record, INTERPRETED, context)) return [];
    return [pair];
  },
};

function plainPair(record: Record<string, unknown>, context: RecordContext): PreferencePair | undefined {
  const parsed = plainSchema.safeParse(record);
  if (!parsed.success) {
    reportZodIssues(parsed.error, record, context, HINTS);
    return undefined;
  }
  return { id: recordId(record, context), prompt: parsed.data.prompt, chosen: parsed.data.chosen, rejected: parsed.data.rejected };
}

function conversationalPair(record: Record<string, unknown>, context: RecordContext): PreferencePair | undefined {
  const parsed = conversationalSchema.safeParse(record);
  if (!parsed.success) {
    reportZodIssues(parsed.error, record, context, HINTS);
    return undefined;
  }
  let { prompt, chosen, rejected } = parsed.data;
  if (prompt === undefined) {
    let shared = 0;
    while (shared < chosen.length - 1 && shared < rejected.length - 1 && sameMessage(chosen[shared]!, rejected[shared]!)) shared++;
    prompt = chosen.slice(0, shared);
    chosen = chosen.slice(shared);
    rejected = rejected.slice(shared);
  }
  return {
    id: recordId(record, context),
    prompt: typeof prompt === 'string' ? prompt : renderMessages(prompt),
    chosen: renderMessages(chosen),
    rejected: renderMessages(rejected),
  };
}

function sameMessage(a: ChatMessage, b: ChatMessage): boolean {
  return a.role === b.role && a.content === b.content;
}

export function recordId(record: Record<string, unknown>, context: RecordContext): string {
  const id = record['id'];
  return typeof id === 'string' || typeof id === 'number' ? String(id) : `${context.file}:${context.line}`;
}
