import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../backend-types.js';
import { attr, defineKernel, input } from '../kernel-config.js';
import { segmentSumImpl, segmentSumShape } from '../shared/segment-sum-impl.js';

/** The kernel stock tfjs-backend-wasm lacks: without it tf.gather has no gradient on wasm. */
export const unsortedSegmentSumWasmConfig = defineKernel<WasmBackend>({
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const x = input(inputs, 'x');
    const segmentIds = input(inputs, 'segmentIds');
    const numSegments = attr<number>(attrs, 'numSegments');
    const { outShape, inner } = segmentSumShape(x.shape, segmentIds.shape.length, numSegments);
    // Allocate before taking heap views: an allocation may grow the heap and detach older views.
    const out = backend.makeOutput(outShape, x.dtype);
    segmentSumImpl(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(segmentIds), numSegments, inner, backend.typedArrayFromHeap(out));
    return out;
  },
});
