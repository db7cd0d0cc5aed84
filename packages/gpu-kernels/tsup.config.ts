import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/base.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Optional backends are loaded at run time from the user's node_modules; bundling them would
  // break their native parts (dawn.node, tfjs_binding.node, gl) and make them mandatory.
  external: ['webgpu', 'gl', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
});
