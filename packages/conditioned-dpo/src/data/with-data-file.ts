/** A preference file to train on, as `--data FILE [--format NAME]` gives it. */
export interface DataFile {
  path: string;
  format?: string | undefined;
}

/**
 * A run config input whose data come from `file`. A config already reading a file keeps how it
 * selects and splits pairs (`where`, `splitBy`, `splitFractions`, `seed`), so a preset such as
 * dialsummeval-np-dpo applies its filter and its split by dialogue to the file the user names;
 * a config of another source (a generated benchmark) gets a plain file config.
 */
export function withDataFile(input: Record<string, unknown>, file: DataFile): Record<string, unknown> {
  const previous = input.data;
  const kept = isFileDataInput(previous) ? previous : {};
  const { format: _format, ...selection } = kept;
  return { ...input, data: { ...selection, source: 'file', path: file.path, ...(file.format ? { format: file.format } : {}) } };
}

function isFileDataInput(data: unknown): data is Record<string, unknown> {
  return data !== null && typeof data === 'object' && !Array.isArray(data) && (data as { source?: unknown }).source === 'file';
}
