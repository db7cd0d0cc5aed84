import type { PreferencePair } from '../types/preference-pair.js';

export const PREFERENCE_FORMAT_NAMES = ['trl', 'hh-rlhf', 'relabeled-hh', 'ultrafeedback'] as const;

export type PreferenceFormatName = (typeof PREFERENCE_FORMAT_NAMES)[number];

/** Where a record came from, and where its problems go. */
export interface RecordContext {
  file: string;
  line: number;
  /** Reports a problem with this record; the record then yields no pairs. */
  report(field: string | undefined, message: string, hint: string): void;
}

/**
 * One record schema (the shape of a row, whatever the container: JSONL, CSV or parquet).
 * `matches` is a cheap shape test for auto-detection; `toPairs` validates and converts.
 */
export interface RecordFormat {
  name: PreferenceFormatName;
  description: string;
  matches(record: Record<string, unknown>): boolean;
  toPairs(record: Record<string, unknown>, context: RecordContext): PreferencePair[];
}
