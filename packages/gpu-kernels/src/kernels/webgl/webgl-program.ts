import type * as tf from '@tensorflow/tfjs';

/**
 * The parts of tfjs-backend-webgl's GPGPUProgram contract our kernels use (the package's types
 * are not needed to run on other backends). tfjs generates `get<Var>(coords...)` per input (int32
 * tensors are stored as floats), `getOutputCoords()` and `setOutput(v)`. headless-gl is WebGL1
 * (GLSL ES 1.0): loop bounds must be constants and arrays may only be indexed by loop indices, so
 * sizes are baked into the source (tfjs caches compiled programs by source).
 */
export interface WebGlProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  packedInputs?: boolean;
  packedOutput?: boolean;
}

export interface WebGlBackend {
  runWebGLProgram(program: WebGlProgram, inputs: tf.TensorInfo[], outputDtype: tf.DataType): tf.TensorInfo;
}

/** GLSL float literal. */
export function glFloat(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : `${x}`;
}

/** Rounds a float-stored int32 to int, negative values included. */
export const ROUND_TO_INT = 'int roundToInt(float x) { return int(floor(x + 0.5)); }';
