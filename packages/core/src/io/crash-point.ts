/**
 * Fault injection for crash tests: with `STEERABLE_CRASH_AT=<point>:<n>` in the environment, the
 * process SIGKILLs itself the n-th time it reaches `crashPoint(point)`, exactly as a killed or
 * out-of-memory process would stop there (no cleanup, no flush). Without the variable it does
 * nothing. Only Node processes have it; elsewhere it is inert.
 */
const reached = new Map<string, number>();

export function crashPoint(point: string): void {
  const setting = typeof process !== 'undefined' ? process.env?.STEERABLE_CRASH_AT : undefined;
  if (!setting) return;
  const [name, count] = setting.split(':');
  if (name !== point) return;
  const times = (reached.get(point) ?? 0) + 1;
  reached.set(point, times);
  if (times === Number(count ?? 1)) process.kill(process.pid, 'SIGKILL');
}
