import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeExample, readmeInstall, tarballProblems } from '../../scripts/release/packages.mjs';

// The checks `pnpm release:check` makes on each packed tarball, on tarballs made here: one as a
// package should be, and copies of it with one thing wrong each.

let work: string;

const README = [
  '# @steerable/thing',
  '',
  '## Install',
  '',
  '```sh',
  'npm install @steerable/thing @tensorflow/tfjs',
  '```',
  '',
  '## Example',
  '',
  '```js example',
  "import { thing } from '@steerable/thing';",
  'console.log(thing());',
  '```',
  '',
  '## What it does not do',
  '',
  '- Anything else.',
  '',
].join('\n');

const GOOD_MANIFEST = {
  name: '@steerable/thing',
  version: '1.2.3',
  description: 'a thing',
  license: 'MIT',
  type: 'module',
  exports: { '.': { browser: { types: './dist/browser.d.ts', default: './dist/browser.js' }, types: './dist/index.d.ts', import: './dist/index.js' } },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  dependencies: { '@steerable/core': '1.2.3', zod: '^4.1.0' },
  peerDependencies: { '@tensorflow/tfjs': '4.22.0' },
  publishConfig: { access: 'public' },
  engines: { node: '>=20.19' },
  repository: { type: 'git', url: 'https://example.invalid/steerable' },
};

const GOOD_FILES: Record<string, string> = {
  'README.md': README,
  'dist/index.js':
    "import { z } from 'zod';\nimport * as tf from '@tensorflow/tfjs';\nimport { readFile } from 'node:fs/promises';\nexport const thing = () => 1;\n",
  'dist/index.d.ts': 'export declare const thing: () => number;\n',
  'dist/browser.js': "import { SteerableError } from '@steerable/core';\nexport const thing = () => 2;\n",
  'dist/browser.d.ts': 'export declare const thing: () => number;\n',
};

/** Writes a package folder and packs it as npm does (everything under `package/`). */
async function tarball(name: string, manifest: object, files: Record<string, string>): Promise<string> {
  const root = join(work, name);
  for (const [path, text] of Object.entries({ ...files, 'package.json': JSON.stringify(manifest) })) {
    await mkdir(dirname(join(root, 'package', path)), { recursive: true });
    await writeFile(join(root, 'package', path), text);
  }
  const file = join(work, `${name}.tgz`);
  execFileSync('tar', ['-czf', file, '-C', root, 'package']);
  return file;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'steerable-tarball-checks-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('tarballProblems', () => {
  it('finds nothing wrong with a complete package', async () => {
    expect(tarballProblems(await tarball('good', GOOD_MANIFEST, GOOD_FILES)).problems).toEqual([]);
  });

  it('reports test files and fixtures', async () => {
    const file = await tarball('tests', GOOD_MANIFEST, { ...GOOD_FILES, 'dist/index.test.js': '', 'test/fixtures/pairs.jsonl': '{}' });
    expect(tarballProblems(file).problems).toEqual([
      'holds a test file or fixture: dist/index.test.js',
      'holds a test file or fixture: test/fixtures/pairs.jsonl',
    ]);
  });

  it('reports a workspace range left in, and an export that points outside the tarball', async () => {
    const manifest = { ...GOOD_MANIFEST, dependencies: { ...GOOD_MANIFEST.dependencies, '@steerable/core': 'workspace:*' }, bin: { thing: './dist/cli.js' } };
    expect(tarballProblems(await tarball('ranges', manifest, GOOD_FILES)).problems).toEqual([
      'package.json: dependencies.@steerable/core is "workspace:*"',
      'package.json points at ./dist/cli.js, which is not in the tarball',
    ]);
  });

  it('reports built code that imports a package the manifest does not declare', async () => {
    const files = { ...GOOD_FILES, 'dist/index.js': `${GOOD_FILES['dist/index.js']}const lazy = () => import("left-pad");\n` };
    expect(tarballProblems(await tarball('undeclared', GOOD_MANIFEST, files)).problems).toEqual([
      'the built code imports left-pad (dist/index.js), which package.json does not declare',
    ]);
  });

  it('reports a package without types, or without a README that has an install command, an example and its limits', async () => {
    const { 'dist/index.d.ts': _types, 'dist/browser.d.ts': _browserTypes, ...untyped } = GOOD_FILES;
    expect(tarballProblems(await tarball('untyped', { ...GOOD_MANIFEST, types: undefined, exports: { '.': './dist/index.js' } }, untyped)).problems).toEqual([
      'has no type declarations (dist/*.d.ts)',
    ]);
    const bare = { ...GOOD_FILES, 'README.md': '# @steerable/thing\n\nA thing.\n' };
    expect(tarballProblems(await tarball('bare', GOOD_MANIFEST, bare)).problems).toEqual([
      'README.md has no runnable example (a code block fenced as ```js example)',
      'README.md has no install command (```sh with npm install)',
      'README.md does not say what the package does not do (## What it does not do)',
    ]);
  });

  it('reads the example and the install command out of a README', () => {
    expect(readmeExample(README)).toBe("import { thing } from '@steerable/thing';\nconsole.log(thing());\n");
    expect(readmeInstall(README)).toEqual(['@steerable/thing', '@tensorflow/tfjs']);
  });
});
