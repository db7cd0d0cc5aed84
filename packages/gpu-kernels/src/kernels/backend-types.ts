import type * as tf from '@tensorflow/tfjs';

/**
 * The parts of the backends' classes our kernels use. Structural types rather than imports, so
 * that this package does not depend on backend packages it never loads (cpu lives inside the
 * union package, webgl/webgpu are optional).
 */
export type TypedArray = Float32Array | Int32Array | Uint8Array;

export interface CpuBackend {
  data: { get(dataId: tf.DataId): { values: TypedArray | Uint8Array[] } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: TypedArray): tf.TensorInfo;
  disposeIntermediateTensorInfo(info: tf.TensorInfo): void;
  numDataIds(): number;
}

export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): TypedArray;
  disposeData(dataId: tf.DataId): boolean;
  numDataIds(): number;
}

/** Values of a cpu tensor as numbers (never string tensors here). */
export function cpuValues(backend: CpuBackend, info: tf.TensorInfo): TypedArray {
  return backend.data.get(info.dataId).values as TypedArray;
}
