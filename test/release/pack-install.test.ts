import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAndRunExample } from '../../scripts/release/install-example.mjs';
import { packPackages, publicPackages, ROOT, workspaceClosure } from '../../scripts/release/packages.mjs';

// Slow (minutes: nine npm installs): not in the default run. `pnpm test:packages` runs it, after a
// build, and .ci/run calls that. Every public package is packed with `pnpm pack`, then each one is
// installed alone into an empty project outside the workspace, from its own tarball and those of
// the workspace packages it declares (nothing else of the monorepo), plus what its README's
// install command names from the npm registry, and its README example runs there in Node.

/** npm's cache, shared by the nine installs and kept between runs (outside the repository). */
const NPM_CACHE = process.env.STEERABLE_NPM_CACHE ?? join(tmpdir(), 'steerable-npm-cache');
const packages = publicPackages();
let work: string;
let packed: Awaited<ReturnType<typeof packPackages>>;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'steerable-pack-install-'));
  packed = await packPackages(packages, join(work, 'tarballs'));
}, 600_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('each public package installed alone from its tarball runs its README example', () => {
  it('finds the nine public packages and no private one', () => {
    expect(packages.map((pkg) => pkg.name)).toEqual([
      '@steerable/btl-reward',
      '@steerable/cli-kit',
      '@steerable/conditioned-dpo',
      '@steerable/core',
      '@steerable/evaluation',
      '@steerable/gpu-kernels',
      '@steerable/np-encoder',
      '@steerable/preference-data',
      '@steerable/trainer',
    ]);
  });

  for (const { name } of packages) {
    it.concurrent(`${name}`, async () => {
      const pkg = packed.find((entry) => entry.name === name)!;
      const project = join(work, 'projects', name.replace('/', '__'));
      const result = await installAndRunExample(pkg, packed, project, { npmCache: NPM_CACHE });
      expect(result.install.code, result.install.output).toBe(0);
      expect(result.example?.code, result.example?.output).toBe(0);
      // Exactly the package and the workspace packages it declares, each installed from its tarball
      // into the project: none resolves to the monorepo.
      expect([...result.closure].sort()).toEqual(workspaceClosure(name, packages).sort());
      for (const [dependency, path] of Object.entries(result.installed ?? {})) {
        expect(path, dependency).not.toBeNull();
        expect(relative(project, path!).startsWith('..'), `${dependency} resolved to ${path}`).toBe(false);
        expect(relative(ROOT, path!).startsWith('..'), `${dependency} resolved inside the repository`).toBe(true);
      }
    }, 900_000);
  }
});
