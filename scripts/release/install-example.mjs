// Installs one packed package into an empty project outside the workspace, as a user would from its
// README, and runs the README's example there. The @steerable packages come from the packed
// tarballs (that package and the workspace packages it needs, nothing else), everything else from
// the npm registry through one shared cache.
import { spawn } from 'node:child_process';
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readmeExample, readmeInstall, tarballText, workspaceClosure } from './packages.mjs';

function run(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

/**
 * What the README asks a user to install, checked against what the package declares: each name
 * must be the package itself or one of its dependencies or peer dependencies (a user installs
 * peers, such as tfjs or the backend they pick, next to it).
 */
export function installPlan(pkg, readme) {
  const names = readmeInstall(readme);
  if (!names) throw new Error(`${pkg.name}: README.md has no \`npm install\` command`);
  const declared = new Set([
    pkg.name,
    ...Object.keys({ ...pkg.manifest.dependencies, ...pkg.manifest.peerDependencies, ...pkg.manifest.optionalDependencies }),
  ]);
  const undeclared = names.filter((name) => !declared.has(name.replace(/(.)@[^@/]*$/, '$1')));
  if (undeclared.length) throw new Error(`${pkg.name}: README.md installs ${undeclared.join(', ')}, which the package does not declare`);
  if (!names.includes(pkg.name)) throw new Error(`${pkg.name}: README.md's install command does not install ${pkg.name}`);
  return names;
}

/**
 * In `directory` (empty, outside the workspace): `npm install` of the README's packages, the
 * @steerable ones as tarballs of this package's closure, then `node example.mjs` with the README's
 * example. Resolves with the install and example results and what was installed.
 */
export async function installAndRunExample(pkg, packed, directory, { npmCache, timeoutMs = 600_000 } = {}) {
  const readme = tarballText(pkg.tarball, 'README.md');
  const example = readmeExample(readme);
  if (!example) throw new Error(`${pkg.name}: README.md has no \`\`\`js example block`);
  const requested = installPlan(pkg, readme);
  const closure = workspaceClosure(pkg.name, packed);
  const tarballOf = new Map(packed.map((entry) => [entry.name, entry.tarball]));
  // The closure's tarballs are dependencies of the project, and overrides pin every nested
  // @steerable dependency to them ("$name": the project's own spec), so none comes from the registry.
  // Other packages come from the registry at the range the package declares for them.
  const declaredRange = (name) => ({ ...pkg.manifest.dependencies, ...pkg.manifest.peerDependencies, ...pkg.manifest.optionalDependencies })[name] ?? 'latest';
  const dependencies = Object.fromEntries([
    ...closure.map((name) => [name, `file:${tarballOf.get(name)}`]),
    ...requested.filter((name) => !name.startsWith('@steerable/')).map((name) => [name, declaredRange(name)]),
  ]);
  const overrides = Object.fromEntries(closure.map((name) => [name, `$${name}`]));
  await mkdir(directory, { recursive: true });
  const project = { name: 'readme-example', private: true, type: 'module', dependencies, overrides };
  await writeFile(join(directory, 'package.json'), `${JSON.stringify(project, null, 2)}\n`);
  await writeFile(join(directory, 'example.mjs'), example);
  const npmArgs = [
    'install',
    '--no-audit',
    '--no-fund',
    '--no-package-lock',
    '--loglevel=error',
    ...(npmCache ? ['--cache', npmCache, '--prefer-offline'] : []),
  ];
  const install = await run('npm', npmArgs, { cwd: directory, timeoutMs, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (install.code !== 0) return { install, example: null, closure, requested };
  const result = await run(process.execPath, ['example.mjs'], { cwd: directory, timeoutMs });
  const installed = await Promise.all(closure.map(async (name) => [name, await realpath(join(directory, 'node_modules', name)).catch(() => null)]));
  return { install, example: result, closure, requested, installed: Object.fromEntries(installed) };
}
