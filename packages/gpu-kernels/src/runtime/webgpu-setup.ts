/**
 * `webgpu` (Dawn for Node) as tfjs's navigator.gpu. tfjs-backend-webgpu registers itself only if
 * navigator.gpu exists when it is imported, so set it first. On a machine without a Vulkan driver
 * Dawn's OpenGL ES backend in compatibility mode is the one that yields an adapter.
 */
export async function setupWebGpu(): Promise<void> {
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  process.env.EGL_PLATFORM ??= 'surfaceless';
  const dawn = (await import(/* @vite-ignore */ 'webgpu' as string)) as {
    create: (flags: string[]) => { requestAdapter: (options?: Record<string, unknown>) => Promise<unknown> };
    globals: Record<string, unknown>;
  };
  Object.assign(globalThis, dawn.globals);
  const flags = (process.env.STEERABLE_WEBGPU_FLAGS ?? 'backend=opengles').split(' ').filter(Boolean);
  const compat = process.env.STEERABLE_WEBGPU_COMPAT !== '0';
  const gpu = dawn.create(flags);
  const request = gpu.requestAdapter.bind(gpu);
  gpu.requestAdapter = async (options: Record<string, unknown> = {}) => {
    const adapter = await request(compat ? { ...options, featureLevel: 'compatibility' } : options);
    if (!adapter) throw new Error(`webgpu: Dawn returned no adapter (flags: ${flags.join(' ')}, compatibility: ${compat})`);
    return adapter;
  };
  const g = globalThis as { navigator?: { gpu?: unknown; userAgent?: string } };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: { userAgent: 'node' }, configurable: true, writable: true });
  (g.navigator as { gpu?: unknown }).gpu = gpu;
  await import(/* @vite-ignore */ '@tensorflow/tfjs-backend-webgpu' as string);
}
