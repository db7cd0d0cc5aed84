import { AdamUpdate, type AdamUpdateAttrs } from '@steerable/core';
import { type CpuBackend, cpuValues } from '../backend-types.js';
import { defineKernel, input } from '../kernel-config.js';
import { adamUpdateImpl } from '../shared/adam-update-impl.js';

/** Core's fused Adam step on tfjs-backend-cpu: one loop over the backend's arrays. */
export const adamUpdateCpuConfig = defineKernel<CpuBackend>({
  kernelName: AdamUpdate,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const param = input(inputs, 'param');
    const size = param.shape.reduce((a, b) => a * b, 1);
    const outs = [new Float32Array(size), new Float32Array(size), new Float32Array(size)] as const;
    const gradScale = inputs.gradScale ? cpuValues(backend, inputs.gradScale)[0]! : 1;
    const values = (name: string) => cpuValues(backend, input(inputs, name));
    adamUpdateImpl(values('param'), values('grad'), values('m'), values('v'), gradScale, attrs as unknown as AdamUpdateAttrs, ...outs);
    return outs.map((values) => backend.makeTensorInfo(param.shape, 'float32', values));
  },
});
