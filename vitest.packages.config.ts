import { defineConfig } from 'vitest/config';

// The slow release test (`pnpm test:packages`): packs every public package and installs each one
// alone outside the workspace (npm and the registry), so it is not part of `pnpm test`. Two
// installs at a time; the tests import nothing from the workspace's sources.
export default defineConfig({
  test: {
    include: ['test/release/pack-install.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    maxConcurrency: 2,
    pool: 'forks',
  },
});
