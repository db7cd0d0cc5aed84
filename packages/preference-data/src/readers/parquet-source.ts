import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { SteerableError } from '@steerable/core';
import type { RecordEvent } from './record-source.js';

/**
 * Records of a parquet file, one row group at a time (so memory is bounded by the largest row
 * group, not the file). `line` is the 1-based row number.
 */
export async function* parquetRecords(file: string): AsyncGenerator<RecordEvent> {
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (cause) {
    throw new SteerableError('corrupt-file', `not a readable parquet file: ${(cause as Error).message}`, {
      file,
      // The footer's metadata is what failed: parquet has no lines to point at.
      field: 'metadata',
      hint: 'the file is truncated or not parquet; export it again (e.g. dataset.to_parquet) or pass --format for a JSONL/CSV file',
      cause,
    });
  }
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd, compressors });
    } catch (cause) {
      yield {
        kind: 'issue',
        issue: {
          file,
          line: rowStart + 1,
          message: `rows ${rowStart + 1}-${rowEnd} cannot be decoded: ${(cause as Error).message}`,
          hint: 'the file is corrupt; export it again',
        },
      };
      rowStart = rowEnd;
      continue;
    }
    for (let i = 0; i < rows.length; i++) yield { kind: 'record', line: rowStart + i + 1, record: normalizeRow(rows[i]!) };
    rowStart = rowEnd;
  }
}

/** Parquet INT64 columns arrive as bigint; records elsewhere hold numbers. */
function normalizeRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const key in row) {
    const value = row[key];
    if (typeof value === 'bigint') row[key] = Number(value);
  }
  return row;
}
