/**
 * Backends in order of preference for `auto`. `tensorflow` is tfjs-node-gpu or tfjs-node
 * (libtensorflow, CUDA when the GPU build loads); `webgpu` and `webgl` are opt-in GPU paths;
 * `wasm` (XNNPACK, SIMD) is the default on a CPU; `cpu` is the pure-JS fallback.
 */
export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What `auto` tries, in order. webgpu/webgl only when asked: on a CPU-only machine they render in software. */
export const AUTO_BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

/** The npm packages each backend needs, and how to get them. */
export const BACKEND_PACKAGES: Record<BackendName, { packages: string[]; install: string }> = {
  tensorflow: {
    packages: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
    install:
      'install @tensorflow/tfjs-node-gpu@4.22.0 (CUDA 11.2 + cuDNN 8.1) or @tensorflow/tfjs-node@4.22.0 with its install script allowed (pnpm approve-builds), on a machine that can download libtensorflow',
  },
  webgpu: {
    packages: ['@tensorflow/tfjs-backend-webgpu', 'webgpu'],
    install: 'install @tensorflow/tfjs-backend-webgpu@4.22.0 and webgpu (Dawn for Node); needs a Vulkan driver or Mesa EGL',
  },
  webgl: {
    packages: ['@tensorflow/tfjs-backend-webgl', 'gl'],
    install: 'install gl (headless-gl, builds from source: needs libxi-dev libglu1-mesa-dev libglew-dev pkg-config) and run under an X server such as xvfb-run',
  },
  wasm: { packages: ['@tensorflow/tfjs-backend-wasm'], install: 'install @tensorflow/tfjs-backend-wasm@4.22.0' },
  cpu: { packages: ['@tensorflow/tfjs'], install: 'install @tensorflow/tfjs@4.22.0' },
};
