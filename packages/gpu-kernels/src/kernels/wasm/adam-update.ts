import { AdamUpdate, type AdamUpdateAttrs } from '@steerable/core';
import type { WasmBackend } from '../backend-types.js';
import { defineKernel, input } from '../kernel-config.js';
import { adamUpdateImpl } from '../shared/adam-update-impl.js';

/**
 * Core's fused Adam step on tfjs-backend-wasm: one JS loop over zero-copy views of the heap, in
 * place of thirteen wasm kernel calls and their intermediate buffers per parameter.
 */
export const adamUpdateWasmConfig = defineKernel<WasmBackend>({
  kernelName: AdamUpdate,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const param = input(inputs, 'param');
    // Allocate the outputs before taking any heap view: an allocation may grow the heap and
    // detach views taken earlier.
    const outs = [0, 1, 2].map(() => backend.makeOutput(param.shape, 'float32'));
    const [outParam, outM, outV] = outs.map((o) => backend.typedArrayFromHeap(o) as Float32Array);
    const gradScale = inputs.gradScale ? backend.typedArrayFromHeap(inputs.gradScale)[0]! : 1;
    const view = (name: string) => backend.typedArrayFromHeap(input(inputs, name));
    adamUpdateImpl(view('param'), view('grad'), view('m'), view('v'), gradScale, attrs as unknown as AdamUpdateAttrs, outParam!, outM!, outV!);
    return outs;
  },
});
