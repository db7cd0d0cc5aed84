import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface HeadlessGl {
  getUniformLocation(program: unknown, name: string): unknown;
}

interface WebGlBackendModule {
  setWebGLContext: (version: number, gl: HeadlessGl) => void;
  MathBackendWebGL: new (context: unknown) => tf.KernelBackend;
  GPGPUContext: new (gl: HeadlessGl) => unknown;
}

/**
 * tfjs-backend-webgl on headless-gl. tfjs registers webgl only in a browser, so register it by
 * hand, with the two fixes without which results are silently wrong on headless-gl:
 * array uniforms resolved by `name[0]`, and lazy unpacking off (NaN in packed padding lanes).
 */
export async function setupWebGl(): Promise<void> {
  const createGl = require('gl') as (w: number, h: number, attrs: Record<string, boolean>) => HeadlessGl | null;
  const gl = createGl(1, 1, { alpha: false, antialias: false, premultipliedAlpha: false, preserveDrawingBuffer: false, depth: false, stencil: false });
  if (!gl) throw new Error('gl returned no context: headless-gl needs an X server (run under xvfb-run)');
  const getUniformLocation = gl.getUniformLocation.bind(gl);
  gl.getUniformLocation = (program: unknown, name: string) =>
    getUniformLocation(program, name) ?? (String(name).endsWith(']') ? null : getUniformLocation(program, `${name}[0]`));
  const backendWebgl = (await import('@tensorflow/tfjs-backend-webgl')) as unknown as WebGlBackendModule;
  backendWebgl.setWebGLContext(1, gl);
  tf.env().set('WEBGL_VERSION', 1);
  tf.env().set('WEBGL_LAZILY_UNPACK', false);
  if (tf.findBackendFactory('webgl') !== null) tf.removeBackend('webgl');
  tf.registerBackend('webgl', () => new backendWebgl.MathBackendWebGL(new backendWebgl.GPGPUContext(gl)), 2);
}
