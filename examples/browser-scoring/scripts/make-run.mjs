// Trains the page's NP-BTL run with the steerable-train CLI and copies its best checkpoint into
// public/run/ (manifest.json and weights.safetensors: all the page fetches). The committed run was
// made by `pnpm --filter @steerable/example-browser-scoring make-run` after `pnpm build`.
//
//   node scripts/make-run.mjs [--featurizer use-lite|hashed-ngrams] [--keep DIR]
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { twoTastesPairs } from './two-tastes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const { values } = parseArgs({ options: { featurizer: { type: 'string', default: 'use-lite' }, keep: { type: 'string' } } });
const featurizer = values.featurizer === 'hashed-ngrams' ? { kind: 'hashed-ngrams', dim: 512 } : { kind: values.featurizer };

const work = values.keep ?? (await mkdtemp(join(tmpdir(), 'browser-scoring-run-')));
await mkdir(work, { recursive: true });
const data = join(work, 'two-tastes.jsonl');
await writeFile(
  data,
  `${twoTastesPairs()
    .map((line) => JSON.stringify(line))
    .join('\n')}\n`,
);

// Small on purpose: the page downloads these weights. Context of 0-5 choices, as the page asks 5.
const config = {
  name: 'browser-scoring-two-tastes',
  description: 'NP-BTL on two people with opposite tastes (detailed vs one-line answers), for the browser example',
  seed: 0,
  data: { source: 'file', path: data, featurizer, seed: 0, splitFractions: [0.8, 0.1, 0.1] },
  // FiLM: z scales the head's hidden units, which leaves the pooled saddle (loss log 2) that concatenation can sit on with text features.
  model: { kind: 'np-btl', hiddenDim: 32, numHeads: 2, conditioning: 'film' },
  training: {
    epochs: 20,
    batchSize: 16,
    numTargets: 8,
    contextSize: [0, 5],
    optimizer: { kind: 'adam', lr: 1e-3, eps: 3e-5, betas: [0.9, 0.999], weightDecay: 0, maxGradNorm: null },
    evaluateEvery: 20,
    validationTasksPerUser: 20,
    loadBestModelAtEnd: true,
  },
  evaluation: { ks: [0, 1, 5], numTargets: 8 },
};
const configFile = join(work, 'run.json');
await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
const out = join(work, 'run');
const cli = join(root, 'apps', 'trainer', 'dist', 'cli.js');
const result = spawnSync(process.execPath, [cli, 'reward', '--config', configFile, '--out', out, '--backend', 'wasm', '--overwrite'], { stdio: 'inherit' });
if (result.status !== 0) throw new Error(`steerable-train reward exited ${result.status}`);

const served = join(here, '..', 'public', 'run');
await rm(served, { recursive: true, force: true });
await mkdir(served, { recursive: true });
for (const name of ['manifest.json', 'weights.safetensors']) await copyFile(join(out, 'checkpoints', 'best', name), join(served, name));
if (!values.keep) await rm(work, { recursive: true, force: true });
