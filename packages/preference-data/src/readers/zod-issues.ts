import type { z } from 'zod';
import type { RecordContext } from './record-format.js';

/** Field-specific fix hints; `*` is the fallback. */
export type FieldHints = Record<string, string>;

/**
 * Reports each zod issue as `field: problem` with a fix hint. Messages are ours, phrased from the
 * offending value, so users never see a schema library's internals.
 */
export function reportZodIssues(error: z.ZodError, record: unknown, context: RecordContext, hints: FieldHints): void {
  const seen = new Set<string>();
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.');
    if (seen.has(field)) continue;
    seen.add(field);
    const value = valueAt(record, issue.path);
    let message: string;
    if (value === undefined) message = 'is missing';
    else if (issue.code === 'too_small' && typeof value === 'string') message = 'is an empty string';
    else if (issue.code === 'too_small' || issue.code === 'too_big') message = `${issue.message.replace(/^Too (small|big): /, '')} (got ${describe(value)})`;
    else if (issue.code === 'invalid_type') message = `must be ${issue.expected}, got ${describe(value)}`;
    else if (issue.code === 'invalid_value') message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`;
    else if (issue.code === 'invalid_union') message = `has the wrong type (${describe(value)})`;
    else message = issue.message;
    context.report(field || undefined, message, hintFor(field, hints));
  }
}

function hintFor(field: string, hints: FieldHints): string {
  if (hints[field]) return hints[field]!;
  const top = field.split('.')[0]!;
  return hints[top] ?? hints['*'] ?? 'fix this field in the record';
}

function valueAt(record: unknown, path: readonly PropertyKey[]): unknown {
  let value = record;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return value.length > 40 ? `a string "${value.slice(0, 37)}..."` : `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
