// The built workspace libraries the experiments use (run `pnpm build` first), the one tfjs instance
// they share, and the backend setup the apps do: wasm, 1 thread, this project's kernels.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { root } from '../bench/load.mjs';

async function importDist(pkg) {
  const file = `${root}packages/${pkg}/dist/index.js`;
  if (!existsSync(file)) throw new Error(`${file} is missing: run 'pnpm build'`);
  return import(pathToFileURL(file).href);
}

export async function loadExperimentStack({ backend = 'wasm', wasmThreads = 1, stockKernels = false } = {}) {
  const fromKernels = createRequire(`${root}packages/gpu-kernels/package.json`);
  const tf = await import(pathToFileURL(fromKernels.resolve('@tensorflow/tfjs')).href);
  const [kernels, core, data, reward] = await Promise.all(['gpu-kernels', 'core', 'preference-data', 'btl-reward'].map(importDist));
  tf.enableProdMode();
  const backendInfo = await kernels.initBackend({ backend, wasmThreads, steerableKernels: !stockKernels });
  return { tf, kernels, core, data, reward, backendInfo };
}

/** What the machine was doing: the lead compares numbers across runs by these. */
export function machineLoad() {
  const [one, five, fifteen] = loadavg();
  return {
    loadavg_1m: +one.toFixed(2),
    loadavg_5m: +five.toFixed(2),
    loadavg_15m: +fifteen.toFixed(2),
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? 'unknown',
  };
}

export { root };
