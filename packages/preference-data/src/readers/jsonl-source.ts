import { DEFAULT_MAX_LINE_BYTES, readLines } from '../io/line-reader.js';
import type { RecordEvent, RecordSourceOptions } from './record-source.js';

/** Records of a JSON Lines file (gzip aware). Blank lines are skipped. */
export async function* jsonlRecords(file: string, options: RecordSourceOptions = {}): AsyncGenerator<RecordEvent> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  for await (const event of readLines(file, maxLineBytes)) {
    const line = event.line;
    if (event.kind === 'too-long') {
      yield issue(
        file,
        line,
        `line is ${event.bytes} bytes, over the ${maxLineBytes}-byte limit`,
        'split or shorten this record, or raise maxLineBytes (--max-line-bytes) if it is legitimate',
      );
      continue;
    }
    if (event.kind === 'not-utf8') {
      yield issue(file, line, 'line is not valid UTF-8', 're-encode the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)');
      continue;
    }
    const text = event.text;
    if (text.length === 0 || isBlank(text)) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      yield jsonIssue(file, line, text, cause as Error);
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
      yield issue(
        file,
        line,
        `line is ${what}, not a JSON object`,
        Array.isArray(value) && line === 1
          ? 'the file looks like one JSON array; write one JSON object per line (JSON Lines)'
          : 'each line must be one JSON object such as {"prompt": ..., "chosen": ..., "rejected": ...}',
      );
      continue;
    }
    yield { kind: 'record', line, record: value as Record<string, unknown> };
  }
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

function jsonIssue(file: string, line: number, text: string, cause: Error): RecordEvent {
  if (/(?<![\w"])(NaN|-?Infinity)(?![\w"])/.test(text)) {
    return issue(
      file,
      line,
      'line contains NaN or Infinity, which JSON does not allow',
      'write finite numbers (Python: json.dumps(..., allow_nan=False) finds them); drop or repair the record',
    );
  }
  const message = cause.message.replace(/^JSON\.parse: /, '').replace(/ in JSON at position/, ' at position');
  return issue(
    file,
    line,
    `invalid JSON: ${message}`,
    'each line must be one complete JSON object; check quotes, commas and brackets (the record may be truncated)',
  );
}

function issue(file: string, line: number, message: string, hint: string): RecordEvent {
  return { kind: 'issue', issue: { file, line, message, hint } };
}
