export interface SequenceLogProbsBinaries {
  unshared: Buffer;
  shared: Buffer;
}
export function compileSequenceLogProbsWat(wat: string): Promise<SequenceLogProbsBinaries>;
export function generatedModuleSource(binaries: SequenceLogProbsBinaries): string;
