import type * as tf from '@tensorflow/tfjs';

/**
 * The parts of tfjs-backend-webgpu's program contract our kernels use (the package is optional,
 * so its types are not imported). tfjs declares one storage array per variable name (array<i32>
 * for int32 inputs), `uniforms.size` when `size` is set, `setOutputAtIndex`, and the entry point
 * that calls the user code's `fn main(index: i32)`.
 */
export interface WebGpuProgram {
  outputShape: number[];
  shaderKey: string;
  variableNames: string[];
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  getUserCode(): string;
}

export interface WebGpuBackend {
  runWebGPUProgram(program: WebGpuProgram, inputs: tf.TensorInfo[], outputDtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: tf.DataId): boolean;
}

const WORKGROUP = 64;
/** WebGPU's guaranteed maxComputeWorkgroupsPerDimension. */
const MAX_GROUPS_PER_DIMENSION = 65535;

/**
 * A program with one invocation per output element. Large outputs spread their workgroups over
 * x and y (tfjs then derives the flat index from the workgroup id), so `main` must check
 * `index < uniforms.size`.
 */
export function flatProgram(shaderKey: string, outputShape: number[], variableNames: string[], main: string, helpers = ''): WebGpuProgram {
  const size = outputShape.reduce((a, b) => a * b, 1);
  const groups = Math.max(1, Math.ceil(size / WORKGROUP));
  let dispatch: [number, number, number] = [groups, 1, 1];
  if (groups > MAX_GROUPS_PER_DIMENSION) {
    const x = Math.ceil(Math.sqrt(groups));
    dispatch = [x, Math.ceil(groups / x), 1];
  }
  return {
    outputShape,
    shaderKey,
    variableNames,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch,
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    getUserCode: () => `${helpers}\nfn main(index: i32) {\n  if (index >= uniforms.size) { return; }\n${main}\n}`,
  };
}

/** WGSL float literal (always with a decimal point). */
export function f32(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : `${x}`;
}
