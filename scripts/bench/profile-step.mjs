#!/usr/bin/env node
// One NP-BTL training step under tf.profile on wasm (2 threads): time per kernel type, then every
// kernel call over 3 ms with its input and output shapes, then the mean unprofiled step. Needs the
// built packages (`pnpm build`). Single-call times under 1 ms are unreliable on this VM: a trivial
// kernel can read several ms when it waits for XNNPACK's threads.
//
//   node scripts/bench/profile-step.mjs [paper|synthetic]
import { loadStack } from './load.mjs';
const { tf, kernels, core } = await loadStack();
const { buildNpBtl, SYNTHETIC, PAPER } = await import('./np-btl-model.mjs');
await kernels.initBackend({ backend: 'wasm', wasmThreads: 2 });
const shape = process.argv[2] === 'paper' ? PAPER : SYNTHETIC;
const m = await buildNpBtl({ tf, core }, shape);
for (let i = 0; i < 3; i++) await m.step();
const p = await tf.profile(async () => {
  await m.step();
});
const byKernel = new Map();
for (const k of p.kernels) {
  const e = byKernel.get(k.name) ?? { t: 0, n: 0 };
  e.t += k.kernelTimeMs;
  e.n++;
  byKernel.set(k.name, e);
}
console.log(
  [...byKernel]
    .sort((a, b) => b[1].t - a[1].t)
    .slice(0, 14)
    .map(([n, e]) => `${n} ${e.t.toFixed(1)}ms/${e.n}`)
    .join('\n'),
);
const rows = p.kernels
  .filter((k) => k.kernelTimeMs > 3)
  .map((k) => `${k.kernelTimeMs.toFixed(2).padStart(8)} ${k.name.padEnd(14)} ${JSON.stringify(k.inputShapes)} -> ${JSON.stringify(k.outputShapes)}`);
console.log(rows.join('\n'));
console.log('total', p.kernels.reduce((a, k) => a + k.kernelTimeMs, 0).toFixed(1));
const t0 = performance.now();
for (let i = 0; i < 5; i++) await m.step();
console.log('step', ((performance.now() - t0) / 5).toFixed(1));
process.exit(0);
