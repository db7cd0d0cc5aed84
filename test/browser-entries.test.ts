import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { browserTwins } from '../scripts/build/browser-entry.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** Packages with a browser build: src/browser.ts, published as the `browser` condition of ".". */
const browserPackages = readdirSync(join(root, 'packages')).filter((name) => existsSync(join(root, 'packages', name, 'src', 'browser.ts')));

/** Resolves @steerable/* as a browser bundler would: to the package's browser entry, else its only one (source, not dist). */
const workspaceAsBrowser: Plugin = {
  name: 'workspace-as-browser',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@steerable\/[^/]+$/ }, (args) => {
      const folder = join(root, 'packages', args.path.slice('@steerable/'.length), 'src');
      return { path: join(folder, existsSync(join(folder, 'browser.ts')) ? 'browser.ts' : 'index.ts') };
    });
    // Sources import siblings as './x.js'; the files are './x.ts'.
    pluginBuild.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const source = join(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      return existsSync(source) ? { path: source } : undefined;
    });
  },
};

describe('browser entries', () => {
  it('exist for the packages a page needs', () => {
    expect(browserPackages.sort()).toEqual(['btl-reward', 'core', 'gpu-kernels', 'preference-data']);
  });

  for (const name of browserPackages) {
    it(`@steerable/${name}: bundles for the browser with no Node builtin, through the browser entries of its workspace dependencies`, async () => {
      const result = await build({
        entryPoints: [join(root, 'packages', name, 'src', 'browser.ts')],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        metafile: true,
        logLevel: 'silent',
        // Third-party packages stay imports (a page's bundler resolves them); a Node builtin among them is the failure.
        plugins: [
          browserTwins as Plugin,
          workspaceAsBrowser,
          { name: 'external', setup: (b) => b.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true })) },
        ],
      });
      const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((imported) => imported.path));
      expect(imports.filter((path) => nodeBuiltins.has(path))).toEqual([]);
      expect(imports.filter((path) => path.startsWith('@steerable/'))).toEqual([]);
    });

    it(`@steerable/${name}: the browser entry exports a subset of the Node entry, the same objects by the same names`, async () => {
      const node = (await import(join(root, 'packages', name, 'src', 'index.ts'))) as Record<string, unknown>;
      const browser = (await import(join(root, 'packages', name, 'src', 'browser.ts'))) as Record<string, unknown>;
      const names = Object.keys(browser);
      expect(names.length).toBeGreaterThan(5);
      expect(names.filter((key) => !(key in node))).toEqual([]);
      expect(names.filter((key) => browser[key] !== node[key])).toEqual([]);
    });
  }

  it('every package.json with a browser entry points the `browser` condition of "." at dist/browser.js, before `import`', () => {
    for (const name of browserPackages) {
      const manifest = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, unknown>> };
      const conditions = manifest.exports['.']!;
      expect(Object.keys(conditions)[0], name).toBe('browser');
      expect(conditions['browser'], name).toEqual({ types: './dist/browser.d.ts', default: './dist/browser.js' });
    }
  });
});
