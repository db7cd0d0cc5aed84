import { parse } from 'csv-parse';
import { Transform, type TransformCallback, pipeline } from 'node:stream';
import { SteerableError } from '@steerable/core';
import { DEFAULT_MAX_LINE_BYTES, openByteStream } from '../io/line-reader.js';
import type { RecordEvent } from './record-source.js';

/**
 * Passes bytes through unchanged, failing on the first invalid UTF-8 sequence (csv-parse would
 * silently substitute U+FFFD) and counting lines so the failure can name one.
 */
class Utf8Validator extends Transform {
  /** Newlines passed so far: the current line is this + 1. */
  newlines = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      // Count up to the first byte the decoder refuses, for the line number.
      const bad = firstInvalidByte(chunk);
      for (let i = 0; i < bad; i++) if (chunk[i] === 0x0a) this.newlines++;
      callback(new InvalidUtf8Error(this.newlines + 1));
      return;
    }
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) this.newlines++;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.decoder.decode();
      callback();
    } catch {
      callback(new InvalidUtf8Error(this.newlines + 1));
    }
  }
}

class InvalidUtf8Error extends Error {
  constructor(readonly line: number) {
    super(`line ${line} is not valid UTF-8`);
  }
}

function firstInvalidByte(chunk: Buffer): number {
  let low = 0;
  let high = chunk.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(chunk.subarray(0, mid), { stream: true });
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  return low;
}

/**
 * Records of a CSV file with a header row (gzip aware). Cells are strings; a cell that holds a
 * JSON list or object (conversational messages, UltraFeedback completions) is parsed as JSON.
 * `line` is the file line where the record ends. Invalid UTF-8, a record over 16 MiB and a
 * truncated gzip stream end reading with an issue naming the line.
 */
export async function* csvRecords(file: string): AsyncGenerator<RecordEvent> {
  const validator = new Utf8Validator();
  const parser = parse({ columns: true, bom: true, info: true, skip_empty_lines: true, relax_column_count: false, max_record_size: DEFAULT_MAX_LINE_BYTES });
  // pipeline, not pipe: an error upstream (a truncated gzip) must reach the parser, or iteration waits forever.
  pipeline(await openByteStream(file), validator, parser, () => undefined);
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const parsed: Record<string, unknown> = {};
      for (const key in record) parsed[key] = maybeJson(record[key]!);
      yield { kind: 'record', line: info.lines, record: parsed };
    }
  } catch (cause) {
    yield { kind: 'issue', issue: describeFailure(file, cause as Error & { lines?: number; code?: string }, validator.newlines + 1) };
  }
}

function describeFailure(file: string, error: Error & { lines?: number; code?: string }, lineReached: number) {
  if (error instanceof InvalidUtf8Error) {
    return { file, line: error.line, message: 'line is not valid UTF-8', hint: 're-encode the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)' };
  }
  if (error instanceof SteerableError || (error.code ?? '').startsWith('Z_')) {
    return {
      file,
      line: lineReached,
      message: `cannot read past line ${lineReached - 1}: ${error.message}`,
      hint: 'the gzip file is truncated or corrupt; download or compress it again',
    };
  }
  return {
    file,
    ...(error.lines !== undefined ? { line: error.lines } : {}),
    message: `CSV cannot be parsed further: ${error.message.replace(/^Invalid Record Length: /, '')}`,
    hint:
      error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' || error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH'
        ? 'every row needs as many cells as the header; quote cells that contain commas'
        : error.code === 'CSV_MAX_RECORD_SIZE'
          ? `a record is over ${DEFAULT_MAX_LINE_BYTES} bytes: check for an unclosed quote near this line`
          : 'check the quoting near this line (every opening quote needs a closing one)',
  };
}

function maybeJson(cell: string): unknown {
  const first = cell.charCodeAt(0);
  if (first !== 0x5b && first !== 0x7b) return cell;
  try {
    return JSON.parse(cell);
  } catch {
    return cell;
  }
}
