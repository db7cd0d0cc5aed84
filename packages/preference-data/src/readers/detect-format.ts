import { hhRlhfFormat } from './hh-rlhf-format.js';
import type { PreferenceFormatName, RecordFormat } from './record-format.js';
import { relabeledHhFormat } from './relabeled-hh-format.js';
import { trlFormat } from './trl-format.js';
import { ultraFeedbackFormat } from './ultrafeedback-format.js';
import { readMagic } from '../io/line-reader.js';
import type { ContainerName } from './record-source.js';

/** Most specific first: relabeled HH records also carry prompt/chosen/rejected columns. */
export const RECORD_FORMATS: readonly RecordFormat[] = [relabeledHhFormat, ultraFeedbackFormat, hhRlhfFormat, trlFormat];

export function recordFormat(name: PreferenceFormatName): RecordFormat {
  return RECORD_FORMATS.find((format) => format.name === name)!;
}

export function detectRecordFormat(record: Record<string, unknown>): RecordFormat | undefined {
  return RECORD_FORMATS.find((format) => format.matches(record));
}

/** parquet by its magic bytes, CSV by its extension, JSON Lines otherwise (all gzip aware). */
export async function detectContainer(file: string): Promise<ContainerName> {
  const magic = await readMagic(file, 4);
  if (magic[0] === 0x50 && magic[1] === 0x41 && magic[2] === 0x52 && magic[3] === 0x31) return 'parquet';
  if (/\.(csv|tsv)(\.gz)?$/i.test(file)) return 'csv';
  return 'jsonl';
}
