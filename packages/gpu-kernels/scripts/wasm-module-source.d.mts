export interface WasmBinaries {
  unshared: Buffer;
  shared: Buffer;
}
export interface WasmModuleEntry {
  source: string;
  target: string;
  constant: string;
}
export const WASM_MODULES: readonly WasmModuleEntry[];
export function compileWat(wat: string, name?: string): Promise<WasmBinaries>;
export function moduleSource(binaries: WasmBinaries, entry: WasmModuleEntry): string;
