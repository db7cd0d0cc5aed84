import * as tf from '@tensorflow/tfjs';
import { type CpuBackend, cpuValues } from '../backend-types.js';
import { attr, defineKernel, input } from '../kernel-config.js';
import { segmentSumImpl, segmentSumShape } from '../shared/segment-sum-impl.js';

/** Replaces tfjs-backend-cpu's O(numSegments * N) UnsortedSegmentSum (the gradient of gather). */
export const unsortedSegmentSumCpuConfig = defineKernel<CpuBackend>({
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'cpu',
  overrides: true,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const x = input(inputs, 'x');
    const segmentIds = input(inputs, 'segmentIds');
    const numSegments = attr<number>(attrs, 'numSegments');
    const { outShape, inner } = segmentSumShape(x.shape, segmentIds.shape.length, numSegments);
    const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
    segmentSumImpl(cpuValues(backend, x), cpuValues(backend, segmentIds), numSegments, inner, out);
    return backend.makeTensorInfo(outShape, x.dtype, out);
  },
});
