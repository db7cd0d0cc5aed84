import type * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../backend-types.js';
import { defineKernel, input, type KernelArgs, type SteerableKernelConfig } from '../kernel-config.js';
import { wasmKernel } from '../shared/js-kernel.js';
import { sequenceLogProbsGradJs, sequenceLogProbsJs } from '../shared/js-kernels.js';
import { sequenceLogProbsGradSimd, sequenceLogProbsSimd } from './sequence-log-probs-simd-driver.js';
import { type SequenceLogProbsRowKernels, sequenceLogProbsRowKernels, type WasmMemory, webAssembly } from './sequence-log-probs-simd.js';

/**
 * The Emscripten module behind tfjs-backend-wasm: the threaded build keeps its (shared) memory in
 * `wasmMemory`, the others export it from the instance as `asm.memory`.
 */
interface WasmBackendWithHeap extends WasmBackend {
  wasm?: { wasmMemory?: WasmMemory; asm?: { memory?: WasmMemory } };
}

/** The SIMD row kernels over this backend's heap, or null (the JS kernels run then). */
export function rowKernelsOf(backend: WasmBackendWithHeap): SequenceLogProbsRowKernels | null {
  const memory = backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory;
  if (!webAssembly || !(memory instanceof webAssembly.Memory)) return null;
  return sequenceLogProbsRowKernels(memory);
}

const jsForward = wasmKernel(sequenceLogProbsJs);
const jsGradient = wasmKernel(sequenceLogProbsGradJs);
const shapeOf = (info: tf.TensorInfo) => info.shape as [number, number, number];

type RowKernelsOf = (backend: WasmBackendWithHeap) => SequenceLogProbsRowKernels | null;

/**
 * The forward and gradient kernels on wasm: the SIMD row kernels where `rowKernels` finds them
 * (the engine has wasm SIMD and the heap is reachable), else the shared JS kernels. A parameter so
 * that the tests can run the fallback on an engine that has SIMD.
 */
export function sequenceLogProbsWasmConfigs(rowKernels: RowKernelsOf = rowKernelsOf): SteerableKernelConfig[] {
  return [forwardConfig(rowKernels), gradientConfig(rowKernels)];
}

function forwardConfig(rowKernels: RowKernelsOf): SteerableKernelConfig {
  return defineKernel<WasmBackendWithHeap>({
    kernelName: sequenceLogProbsJs.kernelName,
    backendName: 'wasm',
    kernelFunc: (args: KernelArgs<WasmBackendWithHeap>) => {
      const kernels = rowKernels(args.backend);
      if (!kernels) return (jsForward.kernelFunc as (a: KernelArgs<WasmBackendWithHeap>) => tf.TensorInfo[])(args);
      const { backend, inputs } = args;
      const [logits, labels, mask] = ['logits', 'labels', 'mask'].map((name) => input(inputs, name)) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
      const [b, l, v] = shapeOf(logits);
      // Outputs first: an allocation may grow the heap and detach views taken before it.
      const out = backend.makeOutput([b], 'float32');
      const logSumExp = backend.makeOutput([b, l], 'float32');
      const view = (info: tf.TensorInfo) => backend.typedArrayFromHeap(info);
      sequenceLogProbsSimd(
        kernels, view(logits) as Float32Array, view(labels) as Int32Array, view(mask) as Float32Array,
        b, l, v, view(out) as Float32Array, view(logSumExp) as Float32Array,
      );
      return [out, logSumExp];
    },
  });
}

function gradientConfig(rowKernels: RowKernelsOf): SteerableKernelConfig {
  return defineKernel<WasmBackendWithHeap>({
    kernelName: sequenceLogProbsGradJs.kernelName,
    backendName: 'wasm',
    kernelFunc: (args: KernelArgs<WasmBackendWithHeap>) => {
      const kernels = rowKernels(args.backend);
      if (!kernels) return (jsGradient.kernelFunc as (a: KernelArgs<WasmBackendWithHeap>) => tf.TensorInfo)(args);
      const { backend, inputs } = args;
      const [dy, logits, labels, mask, logSumExp] = ['dy', 'logits', 'labels', 'mask', 'logSumExp'].map((name) => input(inputs, name)) as tf.TensorInfo[];
      const [b, l, v] = shapeOf(logits!);
      const dLogits = backend.makeOutput([b, l, v], 'float32');
      const view = (info: tf.TensorInfo) => backend.typedArrayFromHeap(info);
      sequenceLogProbsGradSimd(
        kernels, view(dy!) as Float32Array, view(logits!) as Float32Array, view(labels!) as Int32Array, view(mask!) as Float32Array,
        view(logSumExp!) as Float32Array, b, l, v, view(dLogits) as Float32Array,
      );
      return dLogits;
    },
  });
}
