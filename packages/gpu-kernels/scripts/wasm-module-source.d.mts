export interface WasmBinaries {
  unshared: Buffer;
  shared: Buffer;
}
export type SequenceLogProbsBinaries = WasmBinaries;
export interface WasmModuleEntry {
  source: string;
  target: string;
  constant: string;
}
export const WASM_MODULES: readonly WasmModuleEntry[];
export function compileWat(wat: string, name?: string): Promise<WasmBinaries>;
export function moduleSource(binaries: WasmBinaries, entry?: WasmModuleEntry): string;
export function compileSequenceLogProbsWat(wat: string): Promise<WasmBinaries>;
export function generatedModuleSource(binaries: WasmBinaries): string;
