import { defineConfig } from 'tsup';
import { browserEntry } from '../../scripts/build/browser-entry.js';

// Optional backends are loaded at run time from the user's node_modules; bundling them would
// break their native parts (dawn.node, tfjs_binding.node, gl) and make them mandatory.
const external = ['webgpu', 'gl', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'node20',
    external,
  },
  browserEntry({ external }),
]);
