/**
 * Where a problem was found. Every user-facing error names as much of this as it knows, so the
 * user can go straight to the offending file, line or field.
 */
export interface ErrorLocation {
  file?: string;
  line?: number;
  field?: string;
}

export interface SteerableErrorOptions extends ErrorLocation {
  /** How to fix it, in one sentence addressed to the user. */
  hint?: string;
  cause?: unknown;
}

/**
 * The one error type the libraries throw for problems a user can act on (bad input, bad config,
 * missing optional package). `code` is stable and machine-readable; `message` is for people.
 */
export class SteerableError extends Error {
  readonly code: string;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: SteerableErrorOptions = {}) {
    super(formatMessage(message, options), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SteerableError';
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.field = options.field;
    this.hint = options.hint;
  }

  /** The bare problem statement, without location prefix or hint. */
  get problem(): string {
    return this.message.split('\n')[0]!.replace(/^[^:]+:\d+(?::[^ ]+)?: /, '');
  }

  toJSON(): { code: string; message: string; file?: string; line?: number; field?: string; hint?: string } {
    return {
      code: this.code,
      message: this.message,
      ...(this.file !== undefined ? { file: this.file } : {}),
      ...(this.line !== undefined ? { line: this.line } : {}),
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.hint !== undefined ? { hint: this.hint } : {}),
    };
  }
}

/** `file:line: field: message` then `  fix: hint` on its own line, omitting the parts not known. */
export function formatLocation(location: ErrorLocation): string {
  const parts: string[] = [];
  if (location.file !== undefined) parts.push(location.line !== undefined ? `${location.file}:${location.line}` : location.file);
  else if (location.line !== undefined) parts.push(`line ${location.line}`);
  if (location.field !== undefined) parts.push(`field '${location.field}'`);
  return parts.join(': ');
}

function formatMessage(message: string, options: SteerableErrorOptions): string {
  const where = formatLocation(options);
  const head = where ? `${where}: ${message}` : message;
  return options.hint ? `${head}\n  fix: ${options.hint}` : head;
}

export function isSteerableError(error: unknown): error is SteerableError {
  return error instanceof SteerableError;
}

/** Throws a SteerableError with code `invalid-argument` unless `condition` holds. */
export function assertArgument(condition: unknown, message: string, options: SteerableErrorOptions = {}): asserts condition {
  if (!condition) throw new SteerableError('invalid-argument', message, options);
}
