import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, workspacePackages } from '../../scripts/release/packages.mjs';

// `pnpm changeset version` on a test changeset, in a scratch copy of the repository's release
// configuration (root package.json, pnpm-workspace.yaml, .changeset/config.json and every
// workspace package.json; node_modules linked for the changesets CLI): the packages a changeset
// names and the packages that depend on them get new versions and changelogs, nothing else does.

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

let scratch: string;
const folders: string[] = [];

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'steerable-changeset-'));
  for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json']) {
    await mkdir(dirname(join(scratch, file)), { recursive: true });
    await copyFile(join(ROOT, file), join(scratch, file));
  }
  folders.length = 0;
  for (const pkg of workspaceManifests()) folders.push(pkg.folder);
  for (const folder of folders) {
    await mkdir(join(scratch, folder), { recursive: true });
    await copyFile(join(ROOT, folder, 'package.json'), join(scratch, folder, 'package.json'));
  }
  await symlink(join(ROOT, 'node_modules'), join(scratch, 'node_modules'), 'dir');
});

afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Every workspace package (public and private) with its folder. */
function workspaceManifests(): { folder: string; manifest: Manifest }[] {
  return workspacePackages() as { folder: string; manifest: Manifest }[];
}

async function manifestIn(folder: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(scratch, folder, 'package.json'), 'utf8')) as Manifest;
}

/** The public packages that depend on `names` at run time (dependencies, peers), transitively, and `names` themselves. */
async function releasedWith(names: string[]): Promise<Set<string>> {
  const manifests = await Promise.all(folders.map(manifestIn));
  const released = new Set(names);
  for (let grew = true; grew; ) {
    grew = false;
    for (const manifest of manifests) {
      if (manifest.private || released.has(manifest.name)) continue;
      const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies });
      if (deps.some((dep) => released.has(dep))) {
        released.add(manifest.name);
        grew = true;
      }
    }
  }
  return released;
}

async function changesetVersion(bumps: Record<string, 'major' | 'minor' | 'patch'>, summary: string): Promise<void> {
  const front = Object.entries(bumps)
    .map(([name, bump]) => `'${name}': ${bump}`)
    .join('\n');
  await writeFile(join(scratch, '.changeset', 'test-change.md'), `---\n${front}\n---\n\n${summary}\n`);
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version'], { cwd: scratch, encoding: 'utf8' });
  expect(result.status, result.stderr + result.stdout).toBe(0);
}

async function versions(): Promise<Map<string, string>> {
  return new Map((await Promise.all(folders.map(manifestIn))).map((manifest) => [manifest.name, manifest.version]));
}

describe('pnpm changeset version (linked @steerable/* packages)', () => {
  it('a minor change to preference-data bumps it and every package that depends on it, to one shared version, and nothing else', async () => {
    const before = await versions();
    const expected = await releasedWith(['@steerable/preference-data']);
    expect([...expected].sort()).toEqual([
      '@steerable/btl-reward',
      '@steerable/cli-kit',
      '@steerable/conditioned-dpo',
      '@steerable/evaluation',
      '@steerable/preference-data',
      '@steerable/trainer',
    ]);
    await changesetVersion({ '@steerable/preference-data': 'minor' }, 'Readers accept a new column.');
    const after = await versions();
    for (const [name, version] of after) {
      if (expected.has(name)) expect(version, name).toBe('0.1.0');
      else expect(version, name).toBe(before.get(name));
    }
    const changelog = await readFile(join(scratch, 'packages/preference-data/CHANGELOG.md'), 'utf8');
    expect(changelog).toContain('## 0.1.0');
    expect(changelog).toContain('Readers accept a new column.');
    const dependent = await readFile(join(scratch, 'packages/btl-reward/CHANGELOG.md'), 'utf8');
    expect(dependent).toContain('@steerable/preference-data@0.1.0');
    // Workspace ranges stay workspace ranges: pnpm publish writes the exact versions.
    expect((await manifestIn('packages/btl-reward')).dependencies?.['@steerable/preference-data']).toBe('workspace:*');
    // The private example is neither versioned nor given a changelog.
    expect((await manifestIn('examples/browser-scoring')).version).toBe(before.get('@steerable/example-browser-scoring'));
    await expect(readFile(join(scratch, 'packages/core/CHANGELOG.md'), 'utf8')).rejects.toThrow();
  });

  it('a patch to core releases every public package, since all of them depend on it', async () => {
    await changesetVersion({ '@steerable/core': 'patch' }, 'A clearer error.');
    const after = await versions();
    for (const pkg of workspaceManifests()) {
      expect(after.get(pkg.manifest.name), pkg.manifest.name).toBe(pkg.manifest.private ? '0.0.0' : '0.0.1');
    }
  });
});

// The repository's own changesets must parse as the changesets CLI parses them: a formatter once
// turned single-package front matter into a Markdown heading, and `changeset version` then refused
// every release. `.changeset` is outside Biome since.
describe("the repository's changesets", () => {
  it('each one parses, names only public workspace packages and a valid bump, and has a summary', async () => {
    const fromCli = createRequire(join(ROOT, 'node_modules', '@changesets', 'cli', 'package.json'));
    const parse = fromCli('@changesets/parse') as { default?: (text: string) => Parsed } & ((text: string) => Parsed);
    const parseChangeset = parse.default ?? parse;
    const publicNames = new Set(workspaceManifests().flatMap((pkg) => (pkg.manifest.private ? [] : [pkg.manifest.name])));
    const files = (await readdir(join(ROOT, '.changeset'))).filter((name) => name.endsWith('.md') && name !== 'README.md');
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const parsed = parseChangeset(await readFile(join(ROOT, '.changeset', file), 'utf8'));
      expect(parsed.releases.length, file).toBeGreaterThan(0);
      for (const release of parsed.releases) {
        expect(publicNames.has(release.name), `${file}: ${release.name}`).toBe(true);
        expect(['patch', 'minor', 'major'], file).toContain(release.type);
      }
      expect(parsed.summary.trim().length, file).toBeGreaterThan(20);
    }
  });
});

interface Parsed {
  releases: { name: string; type: string }[];
  summary: string;
}
