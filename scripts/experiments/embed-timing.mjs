#!/usr/bin/env node
// Embeds a preference file with USE-lite twice through the embedding cache, from an empty cache
// directory: the first run embeds every text (cold), the second reads the entry back (warm).
//   node scripts/experiments/embed-timing.mjs --file F [--file G] [--batch-size 32] [--json OUT]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadExperimentStack, machineLoad } from './stack.mjs';

const { values: args } = parseArgs({
  options: {
    file: { type: 'string', multiple: true },
    'batch-size': { type: 'string', default: '32' },
    json: { type: 'string' },
    'stock-kernels': { type: 'boolean', default: false },
  },
});
const { data, backendInfo } = await loadExperimentStack({ stockKernels: args['stock-kernels'] });
const cacheDir = mkdtempSync(join(tmpdir(), 'steerable-embed-timing-'));
const loadBefore = machineLoad();
const runs = [];
for (const run of ['cold', 'warm']) {
  const start = performance.now();
  const featurizer = await data.useLiteFeaturizer({ batchSize: Number(args['batch-size']) });
  const loaded = performance.now();
  let texts = 0;
  const result = await data.embedFilesCached({ files: args.file, featurizer, cacheDir, onProgress: (p) => (texts = p.total) });
  const end = performance.now();
  featurizer.dispose();
  runs.push({
    run,
    status: result.status,
    pairs: result.set.numPairs,
    texts_embedded: texts,
    model_load_s: (loaded - start) / 1000,
    total_s: (end - start) / 1000,
    embed_s: (end - loaded) / 1000,
  });
  console.log(JSON.stringify(runs.at(-1)));
}
rmSync(cacheDir, { recursive: true, force: true });
const [cold, warm] = runs;
const summary = {
  files: args.file,
  backend: backendInfo.backend,
  threads: backendInfo.threads,
  steerable_kernels: backendInfo.steerable_kernels,
  batch_size: Number(args['batch-size']),
  texts_per_second: cold.texts_embedded / cold.embed_s,
  cold_s: cold.total_s,
  warm_s: warm.total_s,
  saving_ratio: cold.total_s / warm.total_s,
  runs,
  load_before: loadBefore,
  load_after: machineLoad(),
};
console.log(JSON.stringify(summary, null, 2));
if (args.json) writeFileSync(args.json, `${JSON.stringify(summary, null, 2)}\n`);
