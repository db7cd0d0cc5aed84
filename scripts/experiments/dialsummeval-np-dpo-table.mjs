// The table of scripts/experiments/dialsummeval-np-dpo.sh: implicit preference accuracy per
// criterion vs k on the held-out dialogues, NP-DPO against DPO-mixed, from each seed's eval.json.
//   node scripts/experiments/dialsummeval-np-dpo-table.mjs OUT SEED...
// With several seeds, mean ± s.e. over seeds; with one, mean ± the s.e. over evaluation tasks.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [out, ...seeds] = process.argv.slice(2);
if (!out || seeds.length === 0) {
  console.error('usage: dialsummeval-np-dpo-table.mjs OUT SEED...');
  process.exit(2);
}
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const runs = seeds.map((seed) => ({ seed, dir: join(out, `seed${seed}`) }));
const evals = runs.map(({ dir }) => readJson(join(dir, 'dialsummeval-np-dpo', 'eval', 'eval.json')));
const ks = evals[0].k;
const users = Object.keys(evals[0].implicit_accuracy).sort();

/** mean ± s.e. in percent: over seeds, or (one seed) the evaluation's own s.e. over tasks. */
function cell(stats) {
  const means = stats.map((s) => s.mean);
  const mean = means.reduce((a, b) => a + b, 0) / means.length;
  const se = means.length > 1 ? Math.sqrt(means.reduce((a, m) => a + (m - mean) ** 2, 0) / (means.length - 1) / means.length) : stats[0].sem;
  return `${(100 * mean).toFixed(1)} ± ${(100 * se).toFixed(1)}`;
}

const lines = [];
lines.push(`# DialSummEval: implicit preference accuracy (%) on held-out dialogues vs k`);
lines.push('');
const spread = seeds.length > 1 ? 'mean ± s.e. over seeds' : 'mean ± s.e. over evaluation tasks (one seed)';
const tasks = evals[0].implicit_accuracy[users[0]][String(ks[0])].n;
lines.push(`Seeds ${seeds.join(', ')}; ${spread}; ${tasks} tasks per criterion and k, targets never in the context.`);
lines.push('DPO-mixed takes no context (the same at every k).');
lines.push('');
lines.push(`| model | criterion | ${ks.map((k) => `k=${k}`).join(' | ')} |`);
lines.push(`|---|---|${ks.map(() => '---:').join('|')}|`);
for (const user of users) {
  const mixed = cell(evals.map((e) => e.baselines['dpo-mixed'].implicit_accuracy[user]));
  lines.push(`| DPO-mixed | ${user} | ${ks.map(() => mixed).join(' | ')} |`);
}
for (const user of users) lines.push(`| NP-DPO | ${user} | ${ks.map((k) => cell(evals.map((e) => e.implicit_accuracy[user][String(k)]))).join(' | ')} |`);
const average = (pick) => evals.map((e) => users.reduce((a, u) => a + pick(e, u), 0) / users.length);
const meanOf = (values) => values.reduce((a, b) => a + b, 0) / values.length;
lines.push('');
lines.push(
  `Mean over the four criteria: DPO-mixed ${(100 * meanOf(average((e, u) => e.baselines['dpo-mixed'].implicit_accuracy[u].mean))).toFixed(1)}, ` +
    `NP-DPO ${ks.map((k) => `k=${k} ${(100 * meanOf(average((e, u) => e.implicit_accuracy[u][String(k)].mean))).toFixed(1)}`).join(', ')}.`,
);
lines.push('');
lines.push("Wall time per run (s, from each run's summary.json):");
lines.push('');
lines.push('| seed | SFT | DPO-mixed | NP-DPO | eval |');
lines.push('|---|---:|---:|---:|---:|');
for (const { seed, dir } of runs) {
  const wall = (name) => (existsSync(join(dir, name, 'summary.json')) ? readJson(join(dir, name, 'summary.json')).wall_time_s.toFixed(0) : '-');
  const evalWall = existsSync(join(dir, 'eval-wall.txt')) ? readFileSync(join(dir, 'eval-wall.txt'), 'utf8').trim() : '-';
  lines.push(`| ${seed} | ${wall('dialsummeval-sft')} | ${wall('dialsummeval-dpo')} | ${wall('dialsummeval-np-dpo')} | ${evalWall} |`);
}
console.log(lines.join('\n'));
