/**
 * Ends the process with `code` once stdout and stderr have drained. Explicit because wasm's
 * pthread workers (--wasm-threads > 1) keep Node alive after the command is done, and a bare
 * process.exit() could cut off output still queued for a pipe.
 */
export function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
