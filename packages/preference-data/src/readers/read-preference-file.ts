import { SteerableError } from '@steerable/core';
import { type DataIssue, IssueCollector, issueToError } from '../errors/data-issue.js';
import type { PreferencePair } from '../types/preference-pair.js';
import { csvRecords } from './csv-source.js';
import { detectContainer, detectRecordFormat, RECORD_FORMATS, recordFormat } from './detect-format.js';
import { jsonlRecords } from './jsonl-source.js';
import { parquetRecords } from './parquet-source.js';
import { PREFERENCE_FORMAT_NAMES, type PreferenceFormatName, type RecordContext, type RecordFormat } from './record-format.js';
import type { ContainerName, RecordEvent } from './record-source.js';

export interface ReadPreferenceOptions {
  /** The record schema; detected from the first record that matches one when omitted. */
  format?: PreferenceFormatName;
  /** The container; parquet by magic bytes, CSV by extension, JSON Lines otherwise. */
  container?: ContainerName;
  /** Issues kept in full (the rest are counted); default 100. */
  maxErrors?: number;
  /** Longest accepted JSONL line in bytes; default 16 MiB. */
  maxLineBytes?: number;
  /** Throw the first issue as a SteerableError instead of collecting. */
  strict?: boolean;
}

/**
 * Streams the preference pairs of one file, validating every record. Bad records are reported
 * to `issues` (file, line, field, message, hint) and skipped; reading goes on. After iteration,
 * `format`, `records` and `issues` describe the whole file.
 */
export class PreferenceFileReader {
  readonly issues: IssueCollector;
  format: PreferenceFormatName | undefined;
  container: ContainerName | undefined;
  /** Records seen (valid or not), excluding blank lines. */
  records = 0;
  pairsRead = 0;

  constructor(
    readonly file: string,
    private readonly options: ReadPreferenceOptions = {},
  ) {
    this.issues = new IssueCollector(options.maxErrors ?? 100);
    if (options.format !== undefined && !PREFERENCE_FORMAT_NAMES.includes(options.format)) {
      throw new SteerableError('invalid-argument', `unknown format '${options.format}'`, {
        field: 'format',
        hint: `use one of ${PREFERENCE_FORMAT_NAMES.join(', ')}`,
      });
    }
    this.format = options.format;
  }

  async *pairs(): AsyncGenerator<PreferencePair> {
    const container = (this.container = this.options.container ?? (await detectContainer(this.file)));
    const events =
      container === 'parquet'
        ? parquetRecords(this.file)
        : container === 'csv'
          ? csvRecords(this.file)
          : jsonlRecords(this.file, { maxLineBytes: this.options.maxLineBytes });
    let format: RecordFormat | undefined = this.format ? recordFormat(this.format) : undefined;
    const seenIds = new Set<string>();
    const locationPrefix = `${this.file}:`;
    let line = 0;
    const context: RecordContext = {
      file: this.file,
      line: 0,
      report: (field, message, hint) => this.addIssue({ file: this.file, line, ...(field !== undefined ? { field } : {}), message, hint }),
    };
    try {
      for await (const event of events as AsyncIterable<RecordEvent>) {
        if (event.kind === 'issue') {
          this.records++;
          this.addIssue(event.issue);
          continue;
        }
        this.records++;
        line = context.line = event.line;
        if (!format) {
          format = detectRecordFormat(event.record);
          if (!format) {
            const keys = Object.keys(event.record).slice(0, 8).join(', ');
            context.report(
              undefined,
              `record with fields {${keys}} matches no known format`,
              `pass --format (${PREFERENCE_FORMAT_NAMES.join(', ')}) to see what is missing, or rename the columns to e.g. {prompt, chosen, rejected}`,
            );
            continue;
          }
          this.format = format.name;
        }
        for (const pair of format.toPairs(event.record, context)) {
          if (!pair.id.startsWith(locationPrefix)) {
            if (seenIds.has(pair.id)) {
              context.report('id', `duplicate id '${pair.id}' (seen earlier in this file)`, 'give every record a unique id, or drop the repeated record');
              continue;
            }
            seenIds.add(pair.id);
          }
          this.pairsRead++;
          yield pair;
        }
      }
    } catch (error) {
      // A container that cannot be read further (truncated gzip, corrupt parquet) ends the file
      // with one issue at the place it failed; the pairs before it stay valid.
      if (!(error instanceof SteerableError) || this.options.strict) throw error;
      this.records++;
      this.addIssue({
        file: error.file ?? this.file,
        line: error.line ?? line + 1,
        message: error.problem,
        hint: error.hint ?? 'check that the file is complete',
      });
      return;
    }
    if (this.records === 0)
      this.addIssue({
        file: this.file,
        line: 1,
        message: 'file has no records (it is empty)',
        hint: 'check that the file was written completely and is the one you meant',
      });
    else if (!format)
      this.addIssue({
        file: this.file,
        line: 1,
        message: `no record matches any known format (${RECORD_FORMATS.map((f) => f.name).join(', ')})`,
        hint: 'pass --format NAME to validate against one schema and see the missing fields',
      });
  }

  private addIssue(issue: DataIssue): void {
    if (this.options.strict) throw issueToError(issue);
    this.issues.add(issue);
  }
}

export interface ReadPreferenceResult {
  file: string;
  format: PreferenceFormatName | undefined;
  container: ContainerName | undefined;
  pairs: PreferencePair[];
  records: number;
  /** The first `maxErrors` issues. */
  errors: DataIssue[];
  /** All issues, including those not kept. */
  errorCount: number;
}

/** Reads a whole file into memory, collecting issues. */
export async function readPreferenceFile(file: string, options: ReadPreferenceOptions = {}): Promise<ReadPreferenceResult> {
  const reader = new PreferenceFileReader(file, options);
  const pairs: PreferencePair[] = [];
  for await (const pair of reader.pairs()) pairs.push(pair);
  return {
    file,
    format: reader.format,
    container: reader.container,
    pairs,
    records: reader.records,
    errors: reader.issues.issues,
    errorCount: reader.issues.count,
  };
}

/** Reads a file and throws the first problem as a SteerableError (for training runs). */
export async function readPreferencePairs(file: string, options: Omit<ReadPreferenceOptions, 'strict'> = {}): Promise<PreferencePair[]> {
  return (await readPreferenceFile(file, { ...options, strict: true })).pairs;
}
