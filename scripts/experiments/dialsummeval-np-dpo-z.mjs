#!/usr/bin/env node
// Does an NP-DPO run's context encoder read the context? Encodes the evaluation's tasks (100 per
// criterion, the split given) at several k and reports, per k, the variance of z across tasks
// (mean over z's dimensions) and the share of it that lies between criteria (the variance of the
// per-criterion means over the total: 0 when z does not depend on whose context it is, 1 when it
// names the criterion and nothing else). A collapsed encoder gives ~0 variance at every k.
//   node scripts/experiments/dialsummeval-np-dpo-z.mjs RUN_DIR [validation|test] [--checkpoint step-N] [--json OUT]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadExperimentStack, machineLoad, root } from './stack.mjs';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { json: { type: 'string' }, checkpoint: { type: 'string' } } });
const runDir = resolve(positionals[0] ?? '');
const split = positionals[1] ?? 'validation';
const started = performance.now();
const loadBefore = machineLoad();
const { tf, data } = await loadExperimentStack();
const dpo = await import(pathToFileURL(`${root}packages/conditioned-dpo/dist/index.js`).href);

const runConfig = dpo.parsePolicyRunConfig(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')));
const checkpoints = join(runDir, 'checkpoints');
const latest = readdirSync(checkpoints)
  .filter((name) => /^step-\d+$/.test(name) || /^checkpoint-\d+$/.test(name))
  .sort((a, b) => Number(a.match(/\d+/)[0]) - Number(b.match(/\d+/)[0]))
  .at(-1);
const chosen = args.checkpoint ?? latest;
if (!chosen) throw new Error(`no checkpoint in ${checkpoints}`);
const modelDir = join(dirname(runDir), runConfig.reference, 'model');
const model = await dpo.loadGpt2Pretrained(modelDir);
const tokenizer = await dpo.loadTokenizer(modelDir);
model.setTrainable(false);
const { config, policy } = await dpo.loadPolicyCheckpoint(join(checkpoints, chosen), model);
const template = dpo.promptTemplate(tokenizer, config.template);
const featurizer =
  config.contextFeaturizer.kind === 'policy-hidden'
    ? dpo.policyHiddenFeaturizer(model, tokenizer, template)
    : await data.createFeaturizer(config.contextFeaturizer);
const pairs = await dpo.loadPolicyPairs(config.data);
const text = dpo.subsetText(dpo.policyTextPairs(pairs, config.data), [split]);
const embedded = await data.embedTextPairs(text, featurizer);
const ks = [0, 1, 3, 10];
const { tasks } = data.evaluationTaskSet(embedded, {
  split,
  contextSize: Math.max(...ks),
  numTargets: config.eval.targetsPerTask,
  tasksPerUser: config.eval.tasksPerType,
  seed: config.seed + 1000,
  tooFewLabels: 'skip',
});
const users = [...new Set(tasks.map((task) => task.user))];
const rows = [];
for (const k of ks) {
  const batch = data.buildTaskBatch(
    embedded,
    tasks.map((task) => ({ ...task, context: task.context.slice(0, k) })),
  );
  const context = {
    chosen: tf.tensor3d(batch.contextChosen, [batch.batchSize, k, batch.dim]),
    rejected: tf.tensor3d(batch.contextRejected, [batch.batchSize, k, batch.dim]),
  };
  const z = policy.encode(context);
  // A ReLU unit of rho's hidden layer that is off for every task passes nothing of the context on:
  // when all are off, z = rho's last bias whatever the context (dead units after large steps).
  const [rhoActiveShare, rhoLive] = tf.tidy(() => {
    const on = tf.greater(policy.encoder.rho.layers[0].forward(policy.encoder.represent(context)), 0);
    return [tf.mean(tf.cast(on, 'float32')), tf.sum(tf.cast(tf.any(on, 0), 'int32'))];
  });
  const [rhoActive, rhoLiveUnits] = [await rhoActiveShare.data(), await rhoLive.data()];
  tf.dispose([rhoActiveShare, rhoLive]);
  // The same for the pair encoder's hidden layer, over every context pair of every task.
  const pairLiveUnits =
    k === 0
      ? [null]
      : await tf
          .tidy(() => {
            const first = policy.encoder.pairEncoder.net.layers[0];
            const pre = first.forward(tf.concat([context.chosen, context.rejected], -1).reshape([-1, 2 * batch.dim]));
            return tf.sum(tf.cast(tf.any(tf.greater(pre, 0), 0), 'int32'));
          })
          .data();
  tf.dispose([context.chosen, context.rejected]);
  const [n, h] = z.shape;
  const values = await z.data();
  z.dispose();
  const mean = (rowsOf) => {
    const out = new Float64Array(h);
    for (const i of rowsOf) for (let j = 0; j < h; j++) out[j] += values[i * h + j] / rowsOf.length;
    return out;
  };
  const all = [...Array(n).keys()];
  const grand = mean(all);
  let total = 0;
  for (const i of all) for (let j = 0; j < h; j++) total += (values[i * h + j] - grand[j]) ** 2 / (n * h);
  let between = 0;
  const perUser = {};
  for (const user of users) {
    const own = all.filter((i) => tasks[i].user === user);
    const m = mean(own);
    for (let j = 0; j < h; j++) between += (own.length * (m[j] - grand[j]) ** 2) / (n * h);
    perUser[user] = Math.sqrt(m.reduce((s, v, j) => s + (v - grand[j]) ** 2, 0));
  }
  const zNorm = Math.sqrt(grand.reduce((s, v) => s + v * v, 0));
  rows.push({
    k,
    rho_active_share: rhoActive[0],
    rho_live_units: rhoLiveUnits[0],
    pair_encoder_live_units: pairLiveUnits[0],
    variance: total,
    between_share: total > 1e-12 ? between / total : null,
    mean_z_norm: zNorm,
    criterion_offset_norm: perUser,
  });
}
policy.dispose();
model.dispose();
const result = {
  run: relative(process.cwd(), runDir),
  checkpoint: chosen,
  split,
  context_featurizer: config.contextFeaturizer,
  tasks_per_criterion: config.eval.tasksPerType,
  rows,
  wall_s: +((performance.now() - started) / 1000).toFixed(1),
  machine_load: { before: loadBefore, after: machineLoad() },
};
for (const row of rows) {
  const offsets = Object.entries(row.criterion_offset_norm)
    .map(([user, v]) => `${user} ${v.toFixed(4)}`)
    .join(', ');
  const share = row.between_share === null ? '-' : row.between_share.toFixed(3);
  const units = `pair units live ${row.pair_encoder_live_units ?? '-'}, rho units live ${row.rho_live_units} (active ${row.rho_active_share.toFixed(3)})`;
  console.log(`k=${String(row.k).padStart(2)}  var(z) ${row.variance.toExponential(2)}  ${units}  between-criterion share ${share}`);
  console.log(`      |mean z| ${row.mean_z_norm.toFixed(3)}  |criterion mean - mean|: ${offsets}`);
}
if (args.json) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
