import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

interface WorkspacePackage {
  name: string;
  folder: string;
  kind: 'app' | 'library';
  dependsOn: string[];
}

/** Every package.json under packages/ and apps/, with the workspace packages it depends on (any dependency field). */
function workspacePackages(): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const [parent, kind] of [
    ['packages', 'library'],
    ['apps', 'app'],
  ] as const) {
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const manifest = JSON.parse(readFileSync(join(root, parent, entry.name, 'package.json'), 'utf8')) as Record<string, Record<string, string> | string>;
      const fields = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].map(
        (field) => (manifest[field] ?? {}) as Record<string, string>,
      );
      const dependsOn = [...new Set(fields.flatMap((deps) => Object.keys(deps)).filter((dep) => dep.startsWith('@steerable/')))];
      found.push({ name: manifest.name as string, folder: `${parent}/${entry.name}`, kind, dependsOn });
    }
  }
  return found;
}

describe('workspace dependency graph', () => {
  const packages = workspacePackages();
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));

  it('finds the libraries and both apps', () => {
    expect(
      packages
        .filter((pkg) => pkg.kind === 'app')
        .map((pkg) => pkg.name)
        .sort(),
    ).toEqual(['@steerable/evaluation', '@steerable/trainer']);
    expect(packages.filter((pkg) => pkg.kind === 'library').length).toBeGreaterThanOrEqual(6);
  });

  it('no package depends on an app (no app imports another app, no library imports an app)', () => {
    const offending = packages.flatMap((pkg) => pkg.dependsOn.filter((dep) => byName.get(dep)?.kind === 'app').map((dep) => `${pkg.folder} -> ${dep}`));
    expect(offending).toEqual([]);
  });

  it('only apps depend on the CLI kit', () => {
    const offending = packages.filter((pkg) => pkg.kind === 'library' && pkg.dependsOn.includes('@steerable/cli-kit')).map((pkg) => pkg.folder);
    expect(offending).toEqual([]);
  });

  it('has no dependency cycle', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (name: string, path: string[]): void => {
      if (done.has(name)) return;
      if (visiting.has(name)) {
        cycles.push([...path, name].join(' -> '));
        return;
      }
      visiting.add(name);
      for (const dep of byName.get(name)?.dependsOn ?? []) visit(dep, [...path, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const pkg of packages) visit(pkg.name, []);
    expect(cycles).toEqual([]);
  });

  it('every workspace dependency names a package that exists', () => {
    const missing = packages.flatMap((pkg) => pkg.dependsOn.filter((dep) => !byName.has(dep)).map((dep) => `${pkg.folder} -> ${dep}`));
    expect(missing).toEqual([]);
  });
});
