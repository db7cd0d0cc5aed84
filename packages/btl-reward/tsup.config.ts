import { defineConfig } from 'tsup';
import { browserEntry } from '../../scripts/build/browser-entry.js';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'node20',
  },
  browserEntry(),
]);
