/**
 * What a steerable CLI's exit status means. Scripts can rely on these: 2 is always something the
 * user can fix (a file, a flag, a config), 1 is always a bug worth reporting.
 */
export const EXIT_CODES = {
  ok: 0,
  /** An internal error: a bug. The stack is printed so it can be reported. */
  internal: 1,
  /** A user's error: bad flags, config, data or model files. The message names the file/field and the fix. */
  usage: 2,
  /** Stopped by Ctrl-C after writing a checkpoint; `--resume` continues. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
