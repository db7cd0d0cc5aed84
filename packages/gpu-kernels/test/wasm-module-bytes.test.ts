import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WASM_MODULES, compileModule, moduleSource } from '../scripts/wasm-module-source.mjs';

const packageFile = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

describe('hand-written WebAssembly modules', () => {
  it('every WAT source under wasm-src/ is built by build:wasm', () => {
    const sources = readdirSync(packageFile('wasm-src'))
      .filter((name) => name.endsWith('.wat'))
      .sort();
    expect(WASM_MODULES.map((m) => m.source).sort()).toEqual(sources);
  });

  for (const entry of WASM_MODULES) {
    it(`${entry.source}: the committed ${entry.target} is its current build (else run build:wasm)`, async () => {
      const wat = readFileSync(packageFile(`wasm-src/${entry.source}`), 'utf8');
      const committed = readFileSync(packageFile(`src/kernels/wasm/${entry.target}`), 'utf8');
      expect(moduleSource(await compileModule(wat, entry), entry)).toBe(committed);
    });
  }
});
