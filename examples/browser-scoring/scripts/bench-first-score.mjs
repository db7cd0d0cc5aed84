// Time to first score in the example page, in headless Chromium: loading the sentence encoder,
// conditioning on a person's five choices and scoring ten answers, as the page measures them
// (performance.now() around each step; see src/main.ts). Each round opens the page in a fresh
// browser profile (nothing cached) with steerable's wasm kernels and with tfjs's own (the
// reference, same build, same run), alternating. Prints medians and writes them as JSON.
//
//   pnpm --filter @steerable/example-browser-scoring build
//   node examples/browser-scoring/scripts/bench-first-score.mjs [--rounds 5] [--json out.json]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium, visitAsTwoPeople } from './drive-page.mjs';
import { serveStatic } from './static-server.mjs';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, json: { type: 'string' } } });
const rounds = Number(values.rounds);
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const server = await serveStatic(dist);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = { steerable: [], stock: [] };
const load = loadavg()[0];
try {
  for (let round = 0; round < rounds; round++) {
    for (const kernels of round % 2 ? ['stock', 'steerable'] : ['steerable', 'stock']) {
      const profile = await mkdtemp(join(tmpdir(), 'first-score-'));
      const context = await launchChromium(profile);
      try {
        const visit = await visitAsTwoPeople(context, `${server.url}${kernels === 'stock' ? '?kernels=stock' : ''}`);
        if (visit.errors.length) throw new Error(visit.errors.join('\n'));
        const [first, second] = visit.timings.people;
        const { backendMs, encoderLoadMs, runLoadMs } = visit.timings;
        samples[kernels].push({ featurizer: visit.featurizer, backendMs, encoderLoadMs, runLoadMs, first, second });
      } finally {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      }
    }
  }
} finally {
  await server.close();
}

const summary = {};
for (const [kernels, runs] of Object.entries(samples)) {
  summary[kernels] = {
    featurizer: runs[0].featurizer,
    backendMs: median(runs.map((r) => r.backendMs)),
    encoderLoadMs: median(runs.map((r) => r.encoderLoadMs)),
    runLoadMs: median(runs.map((r) => r.runLoadMs)),
    conditionMs: median(runs.map((r) => r.first.conditionMs)),
    scoreMs: median(runs.map((r) => r.first.scoreMs)),
    firstScoreMs: median(runs.map((r) => r.first.firstScoreMs)),
    secondPerson: { conditionMs: median(runs.map((r) => r.second.conditionMs)), scoreMs: median(runs.map((r) => r.second.scoreMs)) },
    rounds: runs.length,
  };
}
const ratio = summary.stock.firstScoreMs / summary.steerable.firstScoreMs;
const loadAfter = loadavg()[0];
const result = {
  when: new Date().toISOString(),
  cpus: cpus().length,
  loadAverage1m: load,
  loadAverage1mAfter: loadAfter,
  summary,
  stockOverSteerable: ratio,
  samples,
};
console.log(
  `time to first score (median of ${rounds} cold page loads, ${summary.steerable.featurizer}; ` +
    `1-minute load ${load.toFixed(2)} before, ${loadAfter.toFixed(2)} after, on ${cpus().length} CPUs)`,
);
for (const [kernels, s] of Object.entries(summary)) {
  const ms = (value) => `${Math.round(value)} ms`;
  console.log(
    `  ${kernels.padEnd(9)} encoder ${ms(s.encoderLoadMs)} + 5 choices ${ms(s.conditionMs)} + 10 answers ${ms(s.scoreMs)} = ${ms(s.firstScoreMs)}` +
      `  (before it: wasm start ${ms(s.backendMs)}, run ${ms(s.runLoadMs)}; next person ${ms(s.secondPerson.conditionMs)} + ${ms(s.secondPerson.scoreMs)})`,
  );
}
console.log(`  stock / steerable: ${ratio.toFixed(2)}x`);
if (values.json) await writeFile(values.json, `${JSON.stringify(result, null, 2)}\n`);
