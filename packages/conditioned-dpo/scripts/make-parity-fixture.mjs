// Writes test/fixtures/tiny-gpt2/{config.json, model.safetensors} (random weights, our generator)
// and test/fixtures/tiny-gpt2/reference-logits.json from the independent PyTorch forward
// (scripts/gpt2_reference.py). Run once after `pnpm --filter @steerable/conditioned-dpo build`:
//   node packages/conditioned-dpo/scripts/make-parity-fixture.mjs
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs';
import { createRandomGpt2Checkpoint } from '../dist/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const dir = `${here}../test/fixtures/tiny-gpt2`;
const config = {
  vocab_size: 61,
  n_positions: 16,
  n_embd: 32,
  n_layer: 2,
  n_head: 4,
  n_inner: null,
  layer_norm_epsilon: 1e-5,
  activation_function: 'gelu_new',
  bos_token_id: 0,
  eos_token_id: 0,
};
await createRandomGpt2Checkpoint(dir, config, 1234, { weightStd: 0.3 });
const ids = [
  [0, 5, 17, 60, 3, 9, 41, 2],
  [12, 12, 7, 33, 59, 1, 0, 28],
];
const out = execFileSync('/usr/bin/python3', [`${here}gpt2_reference.py`, dir, JSON.stringify(ids)], { maxBuffer: 64 << 20 });
writeFileSync(`${dir}/reference-logits.json`, out);
console.log(`wrote ${dir}`);
