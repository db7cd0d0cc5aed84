import type * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../backend-types.js';
import { defineKernel, input, type KernelArgs, type SteerableKernelConfig } from '../kernel-config.js';
import { wasmKernel } from '../shared/js-kernel.js';
import { sequenceLogProbsGradJs, sequenceLogProbsJs } from '../shared/js-kernels.js';
import { RowPool } from './sequence-log-probs-pool.js';
import { type RowRunner, sequenceLogProbsGradSimd, sequenceLogProbsSimd } from './sequence-log-probs-simd-driver.js';
import { compiledSequenceLogProbsModule, sequenceLogProbsRowKernels } from './sequence-log-probs-simd.js';
import { backendHeap, type HeapBackend, isShared, type WasmMemory } from './simd-module.js';

type WasmBackendWithHeap = WasmBackend & HeapBackend;

const pools = new WeakMap<WasmMemory, RowPool | null>();

/**
 * The SIMD row kernels over this backend's heap, with helper threads where the heap is shared (the
 * wasm threads shim is on); null where SIMD is missing (the JS kernels run then).
 */
export function rowRunnerOf(backend: WasmBackendWithHeap): RowRunner | null {
  const memory = backendHeap(backend);
  if (!memory) return null;
  const kernels = sequenceLogProbsRowKernels(memory);
  if (!kernels) return null;
  if (!pools.has(memory)) pools.set(memory, isShared(memory) ? RowPool.create(memory, compiledSequenceLogProbsModule(true)!, kernels) : null);
  return { kernels, memory, pool: pools.get(memory)! };
}

const jsForward = wasmKernel(sequenceLogProbsJs);
const jsGradient = wasmKernel(sequenceLogProbsGradJs);
const shapeOf = (info: tf.TensorInfo) => info.shape as [number, number, number];

type RowRunnerOf = (backend: WasmBackendWithHeap) => RowRunner | null;

/**
 * The forward and gradient kernels on wasm: the SIMD row kernels where `rowRunner` finds them
 * (the engine has wasm SIMD and the heap is reachable), else the shared JS kernels. A parameter so
 * that the tests can run the fallback on an engine that has SIMD.
 */
export function sequenceLogProbsWasmConfigs(rowRunner: RowRunnerOf = rowRunnerOf): SteerableKernelConfig[] {
  return [forwardConfig(rowRunner), gradientConfig(rowRunner)];
}

function forwardConfig(rowRunner: RowRunnerOf): SteerableKernelConfig {
  return defineKernel<WasmBackendWithHeap>({
    kernelName: sequenceLogProbsJs.kernelName,
    backendName: 'wasm',
    kernelFunc: (args: KernelArgs<WasmBackendWithHeap>) => {
      const runner = rowRunner(args.backend);
      if (!runner) return (jsForward.kernelFunc as (a: KernelArgs<WasmBackendWithHeap>) => tf.TensorInfo[])(args);
      const { backend, inputs } = args;
      const [logits, labels, mask] = ['logits', 'labels', 'mask'].map((name) => input(inputs, name)) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
      const [b, l, v] = shapeOf(logits);
      // Outputs first: an allocation may grow the heap and detach views taken before it.
      const out = backend.makeOutput([b], 'float32');
      const logSumExp = backend.makeOutput([b, l], 'float32');
      const view = (info: tf.TensorInfo) => backend.typedArrayFromHeap(info);
      sequenceLogProbsSimd(
        runner,
        view(logits) as Float32Array,
        view(labels) as Int32Array,
        view(mask) as Float32Array,
        b,
        l,
        v,
        view(out) as Float32Array,
        view(logSumExp) as Float32Array,
      );
      return [out, logSumExp];
    },
  });
}

function gradientConfig(rowRunner: RowRunnerOf): SteerableKernelConfig {
  return defineKernel<WasmBackendWithHeap>({
    kernelName: sequenceLogProbsGradJs.kernelName,
    backendName: 'wasm',
    kernelFunc: (args: KernelArgs<WasmBackendWithHeap>) => {
      const runner = rowRunner(args.backend);
      if (!runner) return (jsGradient.kernelFunc as (a: KernelArgs<WasmBackendWithHeap>) => tf.TensorInfo)(args);
      const { backend, inputs } = args;
      const [dy, logits, labels, mask, logSumExp] = ['dy', 'logits', 'labels', 'mask', 'logSumExp'].map((name) => input(inputs, name)) as tf.TensorInfo[];
      const [b, l, v] = shapeOf(logits!);
      const dLogits = backend.makeOutput([b, l, v], 'float32');
      const view = (info: tf.TensorInfo) => backend.typedArrayFromHeap(info);
      sequenceLogProbsGradSimd(
        runner,
        view(dy!) as Float32Array,
        view(logits!) as Float32Array,
        view(labels!) as Int32Array,
        view(mask!) as Float32Array,
        view(logSumExp!) as Float32Array,
        b,
        l,
        v,
        view(dLogits) as Float32Array,
      );
      return dLogits;
    },
  });
}
