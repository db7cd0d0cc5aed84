import { SteerableError } from '../errors.js';

/** Decodes (strict UTF-8) and parses JSON bytes, naming the line of a syntax error. */
export function parseJsonBytes(bytes: Uint8Array, file: string, options: { what?: string; hint?: string } = {}): unknown {
  const what = options.what ?? 'JSON file';
  const hint = options.hint ?? `check that ${file} is a complete ${what}`;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    const offset = firstInvalidUtf8(bytes);
    const line = lineAt(bytes, offset);
    throw new SteerableError('invalid-utf8', `the ${what} is not valid UTF-8 (byte ${offset})`, { file, line, cause, hint: 'save the file as UTF-8' });
  }
  if (text.trim().length === 0) throw new SteerableError('invalid-json', `the ${what} is empty`, { file, line: 1, hint });
  try {
    return JSON.parse(text);
  } catch (cause) {
    const position = /at position (\d+)/.exec((cause as Error).message)?.[1];
    const line = position === undefined ? text.split('\n').length : text.slice(0, Number(position)).split('\n').length;
    throw new SteerableError('invalid-json', `the ${what} is not valid JSON (${(cause as Error).message})`, { file, line, cause, hint });
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let low = 0;
  let high = bytes.length;
  // The longest prefix without an invalid sequence: in stream mode a decoder only throws on
  // invalid bytes (not on a sequence cut at the end), so validity of prefixes is monotonic.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  return low;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}
