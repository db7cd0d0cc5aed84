import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../backend-types.js';
import { defineKernel, input, type KernelArgs, type SteerableKernelConfig } from '../kernel-config.js';

type RefCountingWasmBackend = WasmBackend & { incRef(dataId: tf.DataId): void };

/**
 * Identity that shares the input's buffer (one more reference) instead of copying it, as the cpu
 * backend's Identity and wasm's own Reshape do. tfjs's engine clones every tensor a gradient saves
 * through Identity, so under a gradient tape the stock kernel copied every saved input: at the
 * paper-size NP-BTL step that was ~40 M floats a step (the option and context embeddings several
 * times over). Tensors are immutable and no wasm kernel writes into its inputs, so a shared buffer
 * is indistinguishable from a copy. String tensors keep the stock path.
 */
export function wasmSharedIdentityConfig(): SteerableKernelConfig | null {
  const stock = tf.getKernel(tf.Identity, 'wasm');
  if (!stock) return null;
  return defineKernel<RefCountingWasmBackend>({
    kernelName: tf.Identity,
    backendName: 'wasm',
    overrides: true,
    kernelFunc: ({ inputs, backend, attrs }: KernelArgs<RefCountingWasmBackend>) => {
      const x = input(inputs, 'x');
      if (x.dtype === 'string') return stock.kernelFunc({ inputs, backend: backend as unknown as tf.KernelBackend, attrs: attrs ?? {} }) as tf.TensorInfo;
      backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
    },
  });
}
