import { defineConfig } from 'tsup';
import { browserEntry } from '../../scripts/build/browser-entry.js';

export default defineConfig([
  {
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'node20',
  },
  browserEntry(),
]);
