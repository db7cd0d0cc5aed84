import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Options } from 'tsup';

/**
 * The browser build of a package: `src/browser.ts` -> `dist/browser.js` (+ .d.ts), bundled for
 * `platform: 'browser'`, so a Node builtin reached from it fails the build instead of a user's
 * bundle. package.json's `exports["."].browser` points bundlers at it.
 *
 * A module `x.ts` with a sibling `x.browser.ts` is replaced by that sibling in this build only
 * (the `browser` field's file swap, done at build time): used where a shared class has one
 * Node-only member, e.g. a method that writes files.
 *
 * Both builds write into dist/, so neither cleans it (tsup cleans per config, concurrently, and
 * would delete the other's files): the package's build script removes dist first.
 */
export function browserEntry(options: Options = {}): Options {
  return {
    entry: { browser: 'src/browser.ts' },
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    dts: { entry: { browser: 'src/browser.ts' } },
    sourcemap: true,
    clean: false,
    splitting: false,
    esbuildPlugins: [browserTwins],
    ...options,
  };
}

/** The esbuild plugin that swaps `x.js` for a sibling `x.browser.ts` when there is one. */
export const browserTwins = {
  name: 'browser-twins',
  setup(build: { onResolve(filter: { filter: RegExp }, callback: (args: { path: string; resolveDir: string }) => { path: string } | undefined): void }) {
    build.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const twin = join(args.resolveDir, args.path.replace(/\.js$/, '.browser.ts'));
      return existsSync(twin) ? { path: twin } : undefined;
    });
  },
};
