import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { installedVersion } from './package-probe.js';

/**
 * Experimental: tfjs-backend-wasm's threaded-SIMD build in Node, behind `--wasm-threads N`.
 *
 * tfjs turns threads off in Node (WASM_HAS_MULTITHREAD_SUPPORT is false there) because it hands
 * Emscripten `blob:` URLs for the pthread worker script and the main script, which Node's
 * worker_threads cannot load, and it caps threads at cores / 2. This shim writes those Blobs to
 * temporary files, defines the free variables the bundled main script expects in a worker, and
 * reports twice the CPUs so that setThreadsCount(n) is not halved. It patches internals of one
 * tfjs build, so it refuses any other version.
 */
export const WASM_THREADS_TFJS_VERSION = '4.22.0';

interface WasmModule {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/** The shim patches process-wide globals: once per process. */
let shimInstalled = false;

function installShim(): { dir: string } {
  const dir = mkdtempSync(join(os.tmpdir(), 'steerable-wasm-threads-'));
  const blobText = new WeakMap<Blob, string>();
  const NativeBlob = globalThis.Blob;
  // Only Blobs built from strings can be scripts; remember their text, which Blob cannot give back synchronously.
  class RecordingBlob extends NativeBlob {
    constructor(parts: ConstructorParameters<typeof Blob>[0] = [], options?: ConstructorParameters<typeof Blob>[1]) {
      super(parts, options);
      if (parts.every((p: unknown) => typeof p === 'string')) blobText.set(this, (parts as unknown as string[]).join(''));
    }
  }
  globalThis.Blob = RecordingBlob as typeof Blob;

  let count = 0;
  const toFile = (blob: unknown): string | null => {
    const text = blob instanceof NativeBlob ? blobText.get(blob) : undefined;
    if (text === undefined) return null;
    const file = join(dir, `script-${count++}.js`);
    // The main script is the Emscripten factory as rollup bundled it, with free variables
    // (require$$0 = fs, ...) that exist in the bundle's scope but not in a worker's global eval.
    const prelude = text.startsWith('var WasmBackendModuleThreadedSimd')
      ? `var require$$0=require('fs'),require$$1=require('path'),require$$3=require('perf_hooks'),require$$4=require('os');` +
        `var commonjsGlobal=globalThis;var _scriptDir=${JSON.stringify(file)};var __dirname=${JSON.stringify(dir)};\n`
      : '';
    writeFileSync(file, prelude + text);
    return file;
  };

  const nativeCreateObjectURL = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (blob: Blob) => toFile(blob) ?? nativeCreateObjectURL(blob);

  // Emscripten posts {cmd: 'load', urlOrBlob: mainScriptUrlOrBlob}; hand the worker a path instead.
  // It also refs a pthread's Worker when it starts the thread ({cmd: 'run'}), and XNNPACK's pool
  // threads never end (they park between kernels), so Node's event loop never emptied: a script
  // that did not call process.exit() stayed alive forever after its last line, and one piped into
  // `tail` or run by spawnSync printed nothing (the "hang" of issue 13, stock kernels and ours
  // alike). A pool thread only works inside a kernel the main thread is running synchronously, so
  // when the event loop has nothing left no thread has work pending: unref'd, they no longer hold
  // the process.
  const nativePost = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]) {
    const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
    if (m && m.cmd === 'load' && m.urlOrBlob instanceof NativeBlob) {
      const file = toFile(m.urlOrBlob);
      if (file) message = { ...m, urlOrBlob: file };
    }
    const posted = (nativePost as (...args: unknown[]) => void).call(this, message, ...rest);
    if (m && m.cmd === 'run') this.unref();
    return posted;
  } as typeof Worker.prototype.postMessage;

  // tfjs caps threads at emscripten_num_logical_cores() / 2, i.e. os.cpus().length / 2 in Node.
  const nativeCpus = os.cpus.bind(os);
  os.cpus = () => {
    const cpus = nativeCpus();
    return [...cpus, ...cpus];
  };

  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return { dir };
}

/** Call before the wasm backend initialises (the loader does). */
export async function enableWasmThreads(threads: number): Promise<WasmModule> {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`wasm threads must be a positive integer, got ${threads}`);
  const version = installedVersion('@tensorflow/tfjs-backend-wasm');
  if (version !== WASM_THREADS_TFJS_VERSION) {
    throw new Error(
      `the wasm threads shim is written for @tensorflow/tfjs-backend-wasm ${WASM_THREADS_TFJS_VERSION}, found ${version ?? 'none'}; run with one thread`,
    );
  }
  if (!shimInstalled) {
    installShim();
    shimInstalled = true;
  }
  // Importing the package registers the flag; the backend reads it only when it initialises.
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmModule;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  return wasm;
}
