import type { DataIssue } from '../errors/data-issue.js';
import { PreferenceFileReader, type ReadPreferenceOptions } from '../readers/read-preference-file.js';
import type { PreferenceFormatName } from '../readers/record-format.js';
import type { ContainerName } from '../readers/record-source.js';

export interface FileInspection {
  file: string;
  format: PreferenceFormatName | null;
  container: ContainerName | null;
  /** Valid preference pairs. */
  pairs: number;
  /** Records read (valid or not). */
  records: number;
  /** Pairs per user (type or id); pairs without a user count under `(none)`. */
  users: Record<string, number>;
  /** Pairs per split; pairs without a split count under `(none)`. */
  splits: Record<string, number>;
  /** The first `maxErrors` problems. */
  errors: DataIssue[];
  /** All problems found, including those not listed. */
  errorCount: number;
}

export const NO_VALUE = '(none)';

/** Validates every record of a file and counts pairs per user and split (streaming). */
export async function inspectFile(file: string, options: Omit<ReadPreferenceOptions, 'strict'> = {}): Promise<FileInspection> {
  const reader = new PreferenceFileReader(file, options);
  const users: Record<string, number> = {};
  const splits: Record<string, number> = {};
  for await (const pair of reader.pairs()) {
    const user = pair.user ?? NO_VALUE;
    users[user] = (users[user] ?? 0) + 1;
    const split = pair.split ?? NO_VALUE;
    splits[split] = (splits[split] ?? 0) + 1;
  }
  return {
    file,
    format: reader.format ?? null,
    container: reader.container ?? null,
    pairs: reader.pairsRead,
    records: reader.records,
    users,
    splits,
    errors: reader.issues.issues,
    errorCount: reader.issues.count,
  };
}
