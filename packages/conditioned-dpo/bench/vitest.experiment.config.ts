import { defineConfig } from 'vitest/config';
import root from '../../../vitest.config.js';

// Only the experiment files (mergeConfig would append the unit-test globs), and no shared setup file.
export default defineConfig({ resolve: root.resolve, test: { include: ['packages/conditioned-dpo/bench/*.experiment.ts'], testTimeout: 3_600_000, pool: 'forks' } });
