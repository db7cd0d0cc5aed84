/** Where a command writes. The CLI passes process streams; tests pass buffers. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is an interactive terminal (progress bars are drawn only then). */
  isTty: boolean;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: Boolean(process.stderr.isTTY),
};

export function bufferIo(): CliIo & { out: string[]; err: string[]; text(): string; errors(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    isTty: false,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    text: () => out.join(''),
    errors: () => err.join(''),
  };
}
