import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '@steerable/cli-kit';
import { runTrainer } from '@steerable/trainer';
import { twoTasteTextPairs } from '../../packages/btl-reward/test/text-fixture.js';

// The README's scoring example, extracted from README.md and run as written (node, built
// packages) against a small run trained here through the CLI on text with two opposite tastes:
// Alice prefers detailed answers, Bob terse ones, so the order of the two summaries must flip.
const root = fileURLToPath(new URL('../../', import.meta.url));
let work: string;
let script: string;

function readmeExample(readme: string): string {
  const marker = readme.indexOf('<!-- readme-example:text-scoring');
  expect(marker, 'the README marks its scoring example').toBeGreaterThan(-1);
  const start = readme.indexOf('```js\n', marker) + '```js\n'.length;
  return readme.slice(start, readme.indexOf('```', start));
}

const lines = (pairs: ReturnType<typeof twoTasteTextPairs>) =>
  pairs.map(({ prompt, chosen, rejected }) => JSON.stringify({ prompt, chosen, rejected })).join('\n');

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'readme-example-'));
  const pairs = twoTasteTextPairs(150);
  await writeFile(
    join(work, 'train.jsonl'),
    pairs.map((p) => JSON.stringify({ prompt: p.prompt, chosen: p.chosen, rejected: p.rejected, user_id: p.user })).join('\n'),
  );
  await writeFile(
    join(work, 'config.json'),
    JSON.stringify({
      name: 'readme-np-btl',
      data: { source: 'file', path: join(work, 'train.jsonl'), featurizer: { kind: 'response-cues' } },
      model: { kind: 'np-btl', hiddenDim: 16, numHeads: 2, conditioning: 'film' },
      training: { epochs: 10, batchSize: 16, numTargets: 8, contextSize: [0, 5], tasksPerEpoch: 256, logEvery: 20, optimizer: { lr: 3e-3 } },
    }),
  );
  await mkdir(join(work, 'runs'));
  const io = bufferIo();
  expect(
    await runTrainer(['reward', '--config', join(work, 'config.json'), '--out', join(work, 'runs', 'dialsummeval-np-btl'), '--backend', 'cpu'], io),
    io.errors(),
  ).toBe(0);
  // Five choices each, on prompts the run did not train on.
  const fresh = twoTasteTextPairs(160).slice(300);
  await writeFile(join(work, 'alice.jsonl'), lines(fresh.filter((p) => p.user === 'detail-lover').slice(0, 5)));
  await writeFile(join(work, 'bob.jsonl'), lines(fresh.filter((p) => p.user === 'brevity-lover').slice(0, 5)));
  // Inside btl-reward's folder, so `@steerable/btl-reward` (self-reference) and its dependencies resolve to the built packages.
  script = join(root, 'packages', 'btl-reward', `.readme-example-${process.pid}.mjs`);
}, 300_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  if (script) await rm(script, { force: true });
});

describe('README: personalised scoring from text', () => {
  it('is at most 15 lines, runs as written, and ranks the two summaries oppositely for two opposite people', async () => {
    const example = readmeExample(await readFile(join(root, 'README.md'), 'utf8'));
    expect(example.trim().split('\n').length).toBeLessThanOrEqual(15);
    await writeFile(script, example);
    const result = spawnSync(process.execPath, [script], { cwd: work, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(['alice.jsonl ranks the detailed summary first', 'bob.jsonl ranks the terse summary first']);
  });
});
