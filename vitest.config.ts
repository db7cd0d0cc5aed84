import { configDefaults, defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const packages = ['core', 'cli-kit', 'gpu-kernels', 'preference-data', 'np-encoder', 'btl-reward', 'conditioned-dpo'];
const apps = ['trainer', 'evaluation'];

// Tests import workspace packages from source, so `vitest` needs no build step and a change in one
// package is seen by its dependents' tests immediately.
const alias = [
  { find: /^@steerable\/core\/testing$/, replacement: `${root}packages/core/src/testing/index.ts` },
  ...packages.map((name) => ({ find: new RegExp(`^@steerable/${name}$`), replacement: `${root}packages/${name}/src/index.ts` })),
  ...apps.map((name) => ({ find: new RegExp(`^@steerable/${name}$`), replacement: `${root}apps/${name}/src/index.ts` })),
];

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // Minutes of npm installs: `pnpm test:packages` (vitest.packages.config.ts) runs it, and .ci/run calls that.
    exclude: [...configDefaults.exclude, 'test/release/pack-install.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['./test/vitest-setup.ts'],
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
