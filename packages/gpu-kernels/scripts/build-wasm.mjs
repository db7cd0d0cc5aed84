#!/usr/bin/env node
// Compiles wasm-src/*.wat into src/kernels/wasm/*-bytes.ts (base64), so that neither CI nor users
// need a WebAssembly toolchain. `--check` compares instead of writing and exits 1 when stale.
//
//   pnpm --filter @steerable/gpu-kernels build:wasm [-- --check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WASM_MODULES, compileModule, moduleSource } from './wasm-module-source.mjs';

const packageRoot = fileURLToPath(new URL('../', import.meta.url));
const check = process.argv.includes('--check');
let stale = false;
for (const entry of WASM_MODULES) {
  const source = `${packageRoot}wasm-src/${entry.source}`;
  const target = `${packageRoot}src/kernels/wasm/${entry.target}`;
  const text = moduleSource(await compileModule(readFileSync(source, 'utf8'), entry), entry);
  if (!check) {
    writeFileSync(target, text);
  } else if (readFileSync(target, 'utf8') !== text) {
    process.stderr.write(`${target} is stale: run 'pnpm --filter @steerable/gpu-kernels build:wasm'\n`);
    stale = true;
  }
}
if (stale) process.exit(1);
