import { defineConfig } from 'vite';

// A static page: relative asset URLs (it can be served from any folder), public/ holds the run,
// the encoder files and the wasm binaries (copied there by scripts/copy-assets.mjs).
export default defineConfig({
  base: './',
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  preview: { host: '127.0.0.1' },
});
