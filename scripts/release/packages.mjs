// The workspace's public packages, packed with `pnpm pack` as `pnpm publish` would pack them, and
// checks of what a tarball holds. Used by `pnpm release:check` and the pack-and-install test.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The pnpm the repository pins (package.json `packageManager`), run through npx as CI does. */
export const PNPM = ['npx', '-y', 'pnpm@12.18.0'];

/** Every workspace package that is not private: { name, version, dir, folder, manifest }. */
export function publicPackages(root = ROOT) {
  return workspacePackages(root).filter((pkg) => !pkg.manifest.private);
}

/** Every workspace package, private ones included. */
export function workspacePackages(root = ROOT) {
  const found = [];
  for (const parent of ['packages', 'apps', 'examples']) {
    if (!existsSync(join(root, parent))) continue;
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      const file = join(root, parent, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      found.push({ name: manifest.name, version: manifest.version, dir: join(root, parent, entry.name), folder: `${parent}/${entry.name}`, manifest });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** The names of a package's workspace dependencies that install with it (dependencies and peers, not devDependencies). */
export function workspaceDependencies(manifest, names) {
  return Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies }).filter((dep) => names.has(dep));
}

/** A package and every workspace package it needs at run time, transitively. */
export function workspaceClosure(name, packages) {
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const names = new Set(byName.keys());
  const closure = new Set();
  const visit = (current) => {
    if (closure.has(current)) return;
    closure.add(current);
    for (const dep of workspaceDependencies(byName.get(current).manifest, names)) visit(dep);
  };
  visit(name);
  return [...closure];
}

function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${stderr}`))));
  });
}

/**
 * Packs each package into `destination` with `pnpm pack` (which rewrites `workspace:` ranges to
 * versions), two at a time. Resolves with `{ ...package, tarball }` in the same order.
 */
export async function packPackages(packages, destination, { concurrency = 2 } = {}) {
  const packed = new Array(packages.length);
  let next = 0;
  const worker = async () => {
    while (next < packages.length) {
      const index = next++;
      const pkg = packages[index];
      const output = await run(PNPM[0], [...PNPM.slice(1), 'pack', '--json', '--pack-destination', destination], { cwd: pkg.dir });
      const json = JSON.parse(output.slice(output.indexOf('{')));
      packed[index] = { ...pkg, tarball: json.filename };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, packages.length) }, worker));
  return packed;
}

/** The paths inside a tarball (without the leading `package/`). */
export function tarballFiles(tarball) {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''));
}

/** One file of a tarball as text. */
export function tarballText(tarball, path) {
  return execFileSync('tar', ['-xzOf', tarball, `package/${path}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** The README's runnable example: the first code block fenced as ```js example. */
export function readmeExample(readme) {
  return /^```js example\n([\s\S]*?)^```$/m.exec(readme)?.[1] ?? null;
}

/** The packages the README's install command names (its first ```sh block with `npm install`). */
export function readmeInstall(readme) {
  for (const [, block] of readme.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    const line = block.split('\n').find((text) => text.trim().startsWith('npm install '));
    if (line)
      return line
        .trim()
        .slice('npm install '.length)
        .split(/\s+/)
        .filter((word) => word && !word.startsWith('-'));
  }
  return null;
}

const TEST_PATH = /(^|\/)(test|tests|__tests__|fixtures|__fixtures__|__snapshots__)\/|\.(test|spec)\.[cm]?[jt]sx?$|\.tsbuildinfo$|(^|\/)\.turbo\//;
const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** Every export target of a package.json `exports` value (strings, nested conditions, subpaths). */
function exportTargets(value) {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(exportTargets);
  return [];
}

/** The package a bare import names (`@scope/name` or `name`), or null for relative and built-in ones. */
function importedPackage(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || NODE_BUILTINS.has(specifier) || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * What is wrong with a packed tarball, as readable lines (empty: publishable). Checks the files
 * (no tests or fixtures; dist, types and a README with an example), the packed package.json (no
 * `workspace:` range, every export, main, types and bin inside the tarball) and that every package
 * the built code imports is declared.
 */
export function tarballProblems(tarball) {
  const problems = [];
  const files = tarballFiles(tarball);
  const has = new Set(files);
  const manifest = JSON.parse(tarballText(tarball, 'package.json'));
  for (const file of files.filter((path) => TEST_PATH.test(path))) problems.push(`holds a test file or fixture: ${file}`);
  if (!files.some((path) => path.startsWith('dist/') && path.endsWith('.js'))) problems.push('has no dist/*.js');
  if (!files.some((path) => path.startsWith('dist/') && path.endsWith('.d.ts'))) problems.push('has no type declarations (dist/*.d.ts)');
  if (!has.has('README.md')) problems.push('has no README.md');
  else {
    const readme = tarballText(tarball, 'README.md');
    if (!readmeExample(readme)) problems.push('README.md has no runnable example (a code block fenced as ```js example)');
    if (!readmeInstall(readme)) problems.push('README.md has no install command (```sh with npm install)');
    if (!/^## What it does not do/m.test(readme)) problems.push('README.md does not say what the package does not do (## What it does not do)');
  }
  if (manifest.private) problems.push('package.json: private');
  if (!/^@steerable\/[a-z0-9-]+$/.test(manifest.name ?? '')) problems.push(`package.json: name ${JSON.stringify(manifest.name)}`);
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(manifest.version ?? '')) problems.push(`package.json: version ${JSON.stringify(manifest.version)}`);
  for (const field of ['description', 'license', 'repository', 'engines']) if (!manifest[field]) problems.push(`package.json: no ${field}`);
  if (manifest.type !== 'module') problems.push('package.json: type is not "module"');
  if (manifest.publishConfig?.access !== 'public') problems.push('package.json: publishConfig.access is not "public"');
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (typeof range !== 'string' || range === '' || range.startsWith('workspace:') || range.startsWith('link:') || range.startsWith('file:')) {
        problems.push(`package.json: ${field}.${name} is ${JSON.stringify(range)}`);
      }
    }
  }
  const targets = [
    ...exportTargets(manifest.exports),
    manifest.main,
    manifest.types,
    ...(typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {})),
  ];
  for (const target of targets.filter(Boolean)) {
    const path = posix.normalize(target).replace(/^\.\//, '');
    if (!has.has(path)) problems.push(`package.json points at ${target}, which is not in the tarball`);
  }
  if (!manifest.exports?.['.']) problems.push('package.json: exports has no "."');
  const declared = new Set([manifest.name, ...Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies })]);
  const undeclared = new Set();
  for (const file of files.filter((path) => path.startsWith('dist/') && path.endsWith('.js'))) {
    const code = tarballText(tarball, file);
    for (const match of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"'\s]+)["']/g)) {
      const imported = importedPackage(match[1]);
      if (imported && !declared.has(imported)) undeclared.add(`${imported} (${file})`);
    }
  }
  for (const entry of undeclared) problems.push(`the built code imports ${entry}, which package.json does not declare`);
  return { manifest, files, problems };
}
