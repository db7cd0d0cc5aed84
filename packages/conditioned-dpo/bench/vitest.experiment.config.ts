import { defineConfig, mergeConfig } from 'vitest/config';
import root from '../../../vitest.config.js';

export default mergeConfig(root, defineConfig({ test: { include: ['packages/conditioned-dpo/bench/*.experiment.ts'], testTimeout: 3_600_000 } }));
