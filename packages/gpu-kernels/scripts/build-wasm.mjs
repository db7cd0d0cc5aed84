#!/usr/bin/env node
// Compiles wasm-src/*.wat into src/kernels/wasm/*-bytes.ts (base64), so that neither CI nor users
// need a WebAssembly toolchain. `--check` compares instead of writing and exits 1 when stale.
//
//   pnpm --filter @steerable/gpu-kernels build:wasm [-- --check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileSequenceLogProbsWat, generatedModuleSource } from './wasm-module-source.mjs';

const packageRoot = fileURLToPath(new URL('../', import.meta.url));
const source = `${packageRoot}wasm-src/sequence-log-probs.wat`;
const target = `${packageRoot}src/kernels/wasm/sequence-log-probs-simd-bytes.ts`;

const check = process.argv.includes('--check');
const text = generatedModuleSource(await compileSequenceLogProbsWat(readFileSync(source, 'utf8')));
if (check) {
  const current = readFileSync(target, 'utf8');
  if (current !== text) {
    process.stderr.write(`${target} is stale: run 'pnpm --filter @steerable/gpu-kernels build:wasm'\n`);
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}
