// Loads the built workspace packages and the one tfjs instance they share. The root has no
// dependencies of its own, so tfjs is resolved from gpu-kernels (the same pnpm store path core uses).
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';

export const root = fileURLToPath(new URL('../../', import.meta.url));
const fromKernels = createRequire(`${root}packages/gpu-kernels/package.json`);

async function importDist(pkg) {
  const file = `${root}packages/${pkg}/dist/index.js`;
  if (!existsSync(file)) throw new Error(`${file} is missing: run 'pnpm build' (pnpm bench builds first)`);
  return import(pathToFileURL(file).href);
}

export async function loadStack() {
  const tf = await import(pathToFileURL(fromKernels.resolve('@tensorflow/tfjs')).href);
  const kernels = await importDist('gpu-kernels');
  const core = await importDist('core');
  return { tf, kernels, core };
}
