import type { PreferencePair, SplitName } from '../types/preference-pair.js';
import type { RecordContext } from './record-format.js';

/** Columns that name who judged the pair, in order of preference. */
export const USER_COLUMNS = ['user_id', 'user', 'worker', 'annotator', 'annotator_id', 'user_type'] as const;

const SPLIT_SPELLINGS: Record<string, SplitName> = {
  train: 'train',
  training: 'train',
  validation: 'validation',
  valid: 'validation',
  val: 'validation',
  dev: 'validation',
  eval: 'validation',
  test: 'test',
  testing: 'test',
};

export function normalizeSplit(value: unknown, context: RecordContext, field = 'split'): SplitName | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  const split = typeof value === 'string' ? SPLIT_SPELLINGS[value.toLowerCase()] : undefined;
  if (!split) {
    context.report(field, `unknown split ${JSON.stringify(value)}`, "use 'train', 'validation' (or valid/val/dev/eval) or 'test'");
    return null;
  }
  return split;
}

/**
 * Fills `user`, `split` and `extra` from the columns a format does not interpret. Returns false
 * (after reporting) when one of them is malformed.
 */
export function applyCommonColumns(pair: PreferencePair, record: Record<string, unknown>, interpreted: ReadonlySet<string>, context: RecordContext): boolean {
  let ok = true;
  let extra: Record<string, unknown> | undefined;
  for (const key in record) {
    if (interpreted.has(key)) continue;
    (extra ??= {})[key] = record[key];
  }
  if (extra) pair.extra = extra;
  for (const column of USER_COLUMNS) {
    const value = record[column];
    if (value === undefined || value === null) continue;
    if ((typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Number.isFinite(value))) {
      pair.user = String(value);
    } else {
      context.report(
        column,
        `must be a non-empty string or a number, got ${JSON.stringify(value)}`,
        `give every record a user identifier in '${column}', or drop the column`,
      );
      ok = false;
    }
    break;
  }
  const split = normalizeSplit(record['split'], context);
  if (split === null) ok = false;
  else if (split) pair.split = split;
  return ok;
}
