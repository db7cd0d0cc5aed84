export interface WasmBinaries {
  unshared: Buffer;
  shared: Buffer;
}
export interface WasmModuleBinaries extends WasmBinaries {
  /** The build with fused multiply-adds, for entries with `fma`. */
  fused?: WasmBinaries;
}
export interface WasmModuleEntry {
  source: string;
  target: string;
  constant: string;
  fma?: boolean;
}
export const WASM_MODULES: readonly WasmModuleEntry[];
export function fusedMultiplyAdds(wat: string): string;
export function compileWat(wat: string, name?: string): Promise<WasmBinaries>;
export function compileModule(wat: string, entry: WasmModuleEntry): Promise<WasmModuleBinaries>;
export function moduleSource(binaries: WasmModuleBinaries, entry: WasmModuleEntry): string;
