import { SteerableError } from '@steerable/core';

/** One problem found in a data file: where it is, what is wrong, and how to fix it. */
export interface DataIssue {
  file: string;
  /** 1-based line (JSONL), row (parquet, CSV record) or undefined for whole-file problems. */
  line?: number;
  /** Dotted path of the offending field, e.g. `chosen` or `completions.2.annotations.honesty.Rating`. */
  field?: string;
  message: string;
  hint: string;
}

export function issueToError(issue: DataIssue, code = 'invalid-data'): SteerableError {
  return new SteerableError(code, issue.message, { file: issue.file, line: issue.line, field: issue.field, hint: issue.hint });
}

/**
 * Collects issues up to a cap (the rest are only counted), so one bad file reports its first
 * problems without holding millions of records in memory.
 */
export class IssueCollector {
  readonly issues: DataIssue[] = [];
  count = 0;

  constructor(readonly maxIssues = 100) {}

  add(issue: DataIssue): void {
    this.count++;
    if (this.issues.length < this.maxIssues) this.issues.push(issue);
  }

  get truncated(): boolean {
    return this.count > this.issues.length;
  }
}
