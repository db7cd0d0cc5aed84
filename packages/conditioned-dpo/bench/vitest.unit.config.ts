import { defineConfig } from 'vitest/config';
import root from '../../../vitest.config.js';
export default defineConfig({ resolve: root.resolve, test: { include: ['packages/conditioned-dpo/test/**/*.test.ts', 'apps/*/test/policy*.test.ts'], testTimeout: 120_000, pool: 'forks' } });
