import type { DataIssue } from '../errors/data-issue.js';

/** A container format: how records are stored, independent of their schema. */
export type ContainerName = 'jsonl' | 'csv' | 'parquet';

/** What a container yields: a parsed record with its line (or row), or a problem at a line. */
export type RecordEvent = { kind: 'record'; line: number; record: Record<string, unknown> } | { kind: 'issue'; issue: DataIssue };

export interface RecordSourceOptions {
  maxLineBytes?: number;
}
