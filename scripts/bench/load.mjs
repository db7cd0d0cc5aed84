// Loads the built workspace packages and the one tfjs instance they share. The root has no
// dependencies of its own, so tfjs is resolved from gpu-kernels (the same pnpm store path core uses).
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';

export const root = fileURLToPath(new URL('../../', import.meta.url));

async function importDist(base, pkg) {
  const file = `${base}packages/${pkg}/dist/index.js`;
  if (!existsSync(file)) throw new Error(`${file} is missing: run 'pnpm build' (pnpm bench builds first)`);
  return import(pathToFileURL(file).href);
}

/** `base`: the checkout to load from (a path ending in /), by default this one. */
export async function loadStack(base = root) {
  const fromKernels = createRequire(`${base}packages/gpu-kernels/package.json`);
  const tf = await import(pathToFileURL(fromKernels.resolve('@tensorflow/tfjs')).href);
  const kernels = await importDist(base, 'gpu-kernels');
  const core = await importDist(base, 'core');
  return { tf, kernels, core };
}
