import * as tf from '@tensorflow/tfjs';
import { defineKernel, input, type KernelArgs, type SteerableKernelConfig } from '../kernel-config.js';
import { type GemmRunnerOf, heapProduct, type SparseRunnerOf } from './batch-mat-mul-transposed.js';
import { gemmRunner } from './gemm-product.js';
import { sparseRowsRunner } from './sparse-rows-product.js';
import type { MatrixWasmBackend } from './transpose-last-two.js';

/**
 * Conv2D with a 1 x 1 filter, stride 1 and NHWC data as the matrix product it is:
 * x [N, H, W, Cin] read as [N H W, Cin] times the filter [1, 1, Cin, Cout] read as [Cin, Cout],
 * on the heap product of the matmul override (the sparse product for a mostly-zero x, else the
 * blocked GEMM); no data moves, the views only reshape. Transformers exported from TensorFlow
 * write their projections this way (USE-lite's attention: [32, 128, 1, 512] x [1, 1, 512, 1536]),
 * and stock tfjs-wasm's XNNPACK convolution ran them at 12-26 GFLOP/s on one thread. Other
 * convolutions (larger filters, strides, dilations, NCHW, padding that adds pixels) and
 * non-float32 data go to the stock kernel.
 */

const ones = (v: unknown) => v === undefined || v === 1 || (Array.isArray(v) && v.every((d) => d === 1));

/** Whether Conv2D's attributes leave a 1 x 1 filter a plain matrix product. */
export function isPointwise(filterShape: readonly number[], attrs: tf.NamedAttrMap | undefined): boolean {
  if (filterShape[0] !== 1 || filterShape[1] !== 1) return false;
  const pad = attrs?.['pad'];
  const noPadding = pad === 'valid' || pad === 'same' || (Array.isArray(pad) && pad.flat().every((p) => p === 0));
  return noPadding && ones(attrs?.['strides']) && ones(attrs?.['dilations']) && (attrs?.['dataFormat'] ?? 'NHWC') === 'NHWC';
}

export function wasmPointwiseConv2dConfig(runnerOf: GemmRunnerOf = gemmRunner, sparseOf: SparseRunnerOf = sparseRowsRunner): SteerableKernelConfig | null {
  const stock = tf.getKernel(tf.Conv2D, 'wasm');
  if (!stock) return null;
  return defineKernel<MatrixWasmBackend>({
    kernelName: tf.Conv2D,
    backendName: 'wasm',
    overrides: true,
    ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    kernelFunc: ({ inputs, backend, attrs }: KernelArgs<MatrixWasmBackend>) => {
      const x = input(inputs, 'x');
      const filter = input(inputs, 'filter');
      const pointwise =
        x.dtype === 'float32' &&
        filter.dtype === 'float32' &&
        x.shape.length === 4 &&
        filter.shape.length === 4 &&
        filter.shape[2] === x.shape[3] &&
        isPointwise(filter.shape, attrs);
      if (pointwise) {
        const [n, h, w, cin] = x.shape as [number, number, number, number];
        const cout = filter.shape[3]!;
        const rows = { dataId: x.dataId, shape: [n * h * w, cin], dtype: x.dtype };
        const weights = { dataId: filter.dataId, shape: [cin, cout], dtype: filter.dtype };
        const out = heapProduct(rows, weights, false, false, backend, runnerOf(backend), sparseOf(backend));
        if (out) return { dataId: out.dataId, shape: [n, h, w, cout], dtype: out.dtype };
      }
      return stock.kernelFunc({ inputs, backend: backend as unknown as tf.KernelBackend, attrs: attrs ?? {} }) as tf.TensorInfo;
    },
  });
}
