import type * as tf from '@tensorflow/tfjs';
import { type CpuBackend, cpuValues, type TypedArray, type WasmBackend } from '../backend-types.js';
import { defineKernel, input, type SteerableKernelConfig } from '../kernel-config.js';

export interface OutputSpec {
  shape: number[];
  dtype: tf.DataType;
}

/**
 * A kernel written once in JavaScript over typed arrays and run on cpu (backend-owned arrays) and
 * wasm (zero-copy views of the wasm heap). `outputs` says what to allocate; `compute` fills them.
 */
export interface JsKernel {
  kernelName: string;
  inputNames: readonly string[];
  outputs(inputs: Record<string, tf.TensorInfo>, attrs: tf.NamedAttrMap): OutputSpec[];
  compute(views: Record<string, TypedArray>, outputs: TypedArray[], inputs: Record<string, tf.TensorInfo>, attrs: tf.NamedAttrMap): void;
}

function collect(def: JsKernel, inputs: tf.NamedTensorInfoMap): Record<string, tf.TensorInfo> {
  return Object.fromEntries(def.inputNames.map((name) => [name, input(inputs, name)]));
}

function single(outputs: tf.TensorInfo[]): tf.TensorInfo | tf.TensorInfo[] {
  return outputs.length === 1 ? outputs[0]! : outputs;
}

export function cpuKernel(def: JsKernel): SteerableKernelConfig {
  return defineKernel<CpuBackend>({
    kernelName: def.kernelName,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const named = collect(def, inputs);
      const specs = def.outputs(named, attrs ?? {});
      const arrays = specs.map((s) => {
        const size = s.shape.reduce((a, b) => a * b, 1);
        return s.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
      });
      const views = Object.fromEntries(Object.entries(named).map(([name, info]) => [name, cpuValues(backend, info)]));
      def.compute(views, arrays, named, attrs ?? {});
      return single(specs.map((s, i) => backend.makeTensorInfo(s.shape, s.dtype, arrays[i])));
    },
  });
}

export function wasmKernel(def: JsKernel): SteerableKernelConfig {
  return defineKernel<WasmBackend>({
    kernelName: def.kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const named = collect(def, inputs);
      // Allocate every output before taking any heap view: an allocation may grow the heap and
      // detach views taken earlier.
      const outs = def.outputs(named, attrs ?? {}).map((s) => backend.makeOutput(s.shape, s.dtype));
      const views = Object.fromEntries(Object.entries(named).map(([name, info]) => [name, backend.typedArrayFromHeap(info)]));
      def.compute(
        views,
        outs.map((o) => backend.typedArrayFromHeap(o)),
        named,
        attrs ?? {},
      );
      return single(outs);
    },
  });
}
