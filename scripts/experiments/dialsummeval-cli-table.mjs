#!/usr/bin/env node
// The table of dialsummeval-cli.sh: reads OUT/seed-*/eval/<preset>/eval.json (steerable-eval
// reward over the six DialSummEval runs of each seed) and writes OUT/table.md and OUT/results.json:
// held-out accuracy per criterion and k, mean +- s.e. over seeds (s.e. = sd over seeds / sqrt(n)),
// and the Must-show checks of issue 13 at k = 10. With --reference results.json (from
// scripts/experiments/real-text.mjs) it also lists, per seed, model, criterion and k, the
// difference from the library-driven experiment.
//   node scripts/experiments/dialsummeval-cli-table.mjs OUT [--reference FILE] [--command TEXT]
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { reference: { type: 'string' }, command: { type: 'string' } } });
const out = positionals[0];
if (!out) throw new Error('usage: dialsummeval-cli-table.mjs OUT [--reference FILE] [--command TEXT]');
const CRITERIA = ['coherence', 'consistency', 'fluency', 'relevance'];
const KS = ['0', '1', '3', '5', '10'];
// Rows as the experiment script labels its models.
const MODELS = {
  'dialsummeval-btl-mixed': 'btl-mixed',
  ...Object.fromEntries(CRITERIA.map((c) => [`dialsummeval-btl-${c}`, `btl-${c}`])),
  'dialsummeval-np-btl': 'np-btl',
};

const seeds = readdirSync(out)
  .filter((d) => /^seed-\d+$/.test(d))
  .map((d) => Number(d.slice(5)))
  .sort((a, b) => a - b);
const perSeed = {}; // perSeed[seed][label][criterion][k] = accuracy
const files = [];
for (const seed of seeds) {
  for (const [preset, label] of Object.entries(MODELS)) {
    const file = join(out, `seed-${seed}`, 'eval', preset, 'eval.json');
    if (!existsSync(file)) continue;
    const evaluation = JSON.parse(readFileSync(file, 'utf8'));
    files.push(file);
    (perSeed[seed] ??= {})[label] = Object.fromEntries(
      CRITERIA.map((c) => [c, Object.fromEntries(KS.map((k) => [k, evaluation.heldout[c]?.[k]?.mean ?? null]))]),
    );
  }
}
const complete = seeds.filter((s) => Object.keys(perSeed[s] ?? {}).length === Object.keys(MODELS).length);
if (complete.length === 0) throw new Error(`no seed under ${out} has all six evaluations`);

const stat = (values) => {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sem: sd / Math.sqrt(n), n, seeds: values };
};
const summary = {};
for (const label of Object.values(MODELS)) {
  summary[label] = Object.fromEntries(CRITERIA.map((c) => [c, Object.fromEntries(KS.map((k) => [k, stat(complete.map((s) => perSeed[s][label][c][k]))]))]));
}
const pct = (s) => `${(100 * s.mean).toFixed(1)} ± ${(100 * s.sem).toFixed(1)}`;
const rows = [`| model | criterion | ${KS.map((k) => `k=${k}`).join(' | ')} |`, `|---|---|${KS.map(() => '---:').join('|')}|`];
for (const label of Object.values(MODELS)) {
  for (const c of CRITERIA) {
    // An oracle's row that matters is its own criterion's.
    if (label.startsWith('btl-') && label !== 'btl-mixed' && label !== `btl-${c}`) continue;
    rows.push(`| ${label} | ${c} | ${KS.map((k) => pct(summary[label][c][k])).join(' | ')} |`);
  }
}

// Issue 13's Must-show at k = 10, from the seed means.
const at10 = (label, c) => summary[label][c]['10'].mean;
const npMean = CRITERIA.reduce((a, c) => a + at10('np-btl', c), 0) / CRITERIA.length;
const oracleMean = CRITERIA.reduce((a, c) => a + at10(`btl-${c}`, c), 0) / CRITERIA.length;
const gain = Object.fromEntries(CRITERIA.map((c) => [c, at10('np-btl', c) - at10('btl-mixed', c)]));
const rising = Object.fromEntries(
  CRITERIA.map((c) => {
    const curve = KS.map((k) => summary['np-btl'][c][k].mean);
    return [c, { monotone: curve.every((v, i) => i === 0 || v >= curve[i - 1]), kmax_minus_k0: curve.at(-1) - curve[0] }];
  }),
);
const checks = {
  np_btl_mean_at_k10: npMean,
  oracle_mean_at_k10: oracleMean,
  np_btl_mean_at_least_70: npMean >= 0.7,
  np_btl_within_5_of_oracles: oracleMean - npMean <= 0.05,
  np_btl_minus_btl_mixed_at_k10: gain,
  plus_20_for_coherence_and_fluency: gain.coherence >= 0.2 && gain.fluency >= 0.2,
  rising_with_k: rising,
  rising_for_every_criterion: Object.values(rising).every((r) => r.monotone),
};

// Against the library-driven experiment, seed by seed (the same protocol: ideally identical).
let comparison = null;
if (args.reference) {
  const reference = JSON.parse(readFileSync(args.reference, 'utf8'));
  const lines = [];
  let worst = 0;
  for (const run of reference.runs) {
    const cli = perSeed[run.seed]?.[run.model];
    if (!cli) continue;
    for (const c of CRITERIA) {
      for (const k of KS) {
        const difference = cli[c][k] - run.heldout[c][k];
        worst = Math.max(worst, Math.abs(difference));
        lines.push({ seed: run.seed, model: run.model, criterion: c, k: Number(k), cli: cli[c][k], script: run.heldout[c][k], difference });
      }
    }
  }
  comparison = {
    reference: args.reference,
    max_abs_difference: worst,
    identical: lines.filter((l) => l.difference === 0).length,
    compared: lines.length,
    lines,
  };
}

const [one, five, fifteen] = loadavg();
const markdown = [
  `# DialSummEval through the CLIs: held-out accuracy (%) vs k, mean ± s.e. over seeds ${complete.join(', ')}`,
  '',
  ...(args.command ? [`- command: \`${args.command}\``] : []),
  `- runs: ${out}/seed-S/<preset>, evaluations ${out}/seed-S/eval/<preset>/eval.json (steerable-eval reward, the presets' held-out test split: T = 20, 500 tasks per user and k)`,
  `- machine: ${cpus().length} cores, load average when the table was made ${one.toFixed(2)}/${five.toFixed(2)}/${fifteen.toFixed(2)} (shared machine)`,
  "- oracles (btl-<criterion>) are the BTL preset trained on that criterion's labels only; only their own criterion's row is shown",
  '',
  ...rows,
  '',
  `checks at k = 10 (issue 13's Must-show): NP-BTL mean ${(100 * npMean).toFixed(1)} (>= 70: ${checks.np_btl_mean_at_least_70}), ` +
    `oracle mean ${(100 * oracleMean).toFixed(1)} (NP-BTL within 5 points: ${checks.np_btl_within_5_of_oracles}); ` +
    `NP-BTL minus BTL-mixed ${CRITERIA.map((c) => `${c} ${(100 * gain[c]).toFixed(1)}`).join(', ')} (>= 20 for coherence and fluency: ${checks.plus_20_for_coherence_and_fluency}); ` +
    `rising with k for every criterion: ${checks.rising_for_every_criterion}`,
  '',
  '```json',
  JSON.stringify(checks, null, 2),
  '```',
  ...(comparison
    ? [
        '',
        `Against ${comparison.reference}: ${comparison.identical} of ${comparison.compared} (seed, model, criterion, k) accuracies identical, largest difference ${(100 * comparison.max_abs_difference).toFixed(2)} points.`,
      ]
    : []),
  '',
].join('\n');
writeFileSync(join(out, 'table.md'), markdown);
writeFileSync(
  join(out, 'results.json'),
  `${JSON.stringify({ seeds: complete, eval_files: files, per_seed: perSeed, summary, checks, comparison }, null, 2)}\n`,
);
process.stdout.write(markdown);
