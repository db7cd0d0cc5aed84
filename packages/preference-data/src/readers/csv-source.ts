import { parse } from 'csv-parse';
import { openByteStream } from '../io/line-reader.js';
import type { RecordEvent } from './record-source.js';

/**
 * Records of a CSV file with a header row (gzip aware). Cells are strings; a cell that holds a
 * JSON list or object (conversational messages, UltraFeedback completions) is parsed as JSON.
 * `line` is the file line where the record ends.
 */
export async function* csvRecords(file: string): AsyncGenerator<RecordEvent> {
  const parser = (await openByteStream(file)).pipe(parse({ columns: true, bom: true, info: true, skip_empty_lines: true, relax_column_count: false }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const parsed: Record<string, unknown> = {};
      for (const key in record) parsed[key] = maybeJson(record[key]!);
      yield { kind: 'record', line: info.lines, record: parsed };
    }
  } catch (cause) {
    const error = cause as Error & { lines?: number; code?: string };
    yield {
      kind: 'issue',
      issue: {
        file,
        ...(error.lines !== undefined ? { line: error.lines } : {}),
        message: `CSV cannot be parsed further: ${error.message.replace(/^Invalid Record Length: /, '')}`,
        hint: error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' || error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' ? 'every row needs as many cells as the header; quote cells that contain commas' : 'check the quoting near this line (every opening quote needs a closing one)',
      },
    };
  }
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
