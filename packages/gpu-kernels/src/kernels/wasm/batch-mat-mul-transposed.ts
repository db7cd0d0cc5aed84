import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../backend-types.js';
import { defineKernel, type KernelArgs, type SteerableKernelConfig } from '../kernel-config.js';

/**
 * tfjs-backend-wasm's matmul with transposeA/transposeB (every matmul gradient) runs at 1-3
 * GFLOP/s; an explicit Transpose followed by the plain XNNPACK path runs at 15-35. The stock
 * kernels are looked up at registration time and wrapped, so the override needs the wasm backend
 * package loaded (registerSteerableKernels runs after setBackend).
 *
 * The operand named transposed is the one transposed, even when it is the big one (a weight
 * gradient X^T dY with X [2560, 4096], dY [2560, 256]): computing (dY^T X)^T instead transposes
 * only the small operand and result, but XNNPACK then packs X as its weights, a copy as large as
 * the transpose, and it measured 5-20% slower at every matmul shape of the NP-BTL step
 * (packages/btl-reward/bench/matmul-shapes.mjs).
 */
function transposedOperandsFirst(kernelName: string): SteerableKernelConfig | null {
  const stock = tf.getKernel(kernelName, 'wasm');
  const transpose = tf.getKernel(tf.Transpose, 'wasm');
  if (!stock || !transpose) return null;
  const swapLastTwo = (rank: number) => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  const explicitTranspose = (x: tf.TensorInfo, backend: WasmBackend) =>
    transpose.kernelFunc({ inputs: { x }, backend: backend as unknown as tf.KernelBackend, attrs: { perm: swapLastTwo(x.shape.length) } }) as tf.TensorInfo;
  return defineKernel<WasmBackend>({
    kernelName,
    backendName: 'wasm',
    overrides: true,
    ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    kernelFunc: ({ inputs, backend, attrs }: KernelArgs<WasmBackend>) => {
      const transposeA = Boolean(attrs?.transposeA);
      const transposeB = Boolean(attrs?.transposeB);
      const run = (ins: tf.NamedTensorInfoMap, at: tf.NamedAttrMap) =>
        stock.kernelFunc({ inputs: ins, backend: backend as unknown as tf.KernelBackend, attrs: at }) as tf.TensorInfo;
      if (!transposeA && !transposeB) return run(inputs, attrs ?? {});
      const temporaries: tf.TensorInfo[] = [];
      const a = transposeA ? explicitTranspose(inputs.a!, backend) : inputs.a!;
      if (transposeA) temporaries.push(a);
      const b = transposeB ? explicitTranspose(inputs.b!, backend) : inputs.b!;
      if (transposeB) temporaries.push(b);
      try {
        return run({ ...inputs, a, b }, { ...attrs, transposeA: false, transposeB: false });
      } finally {
        for (const t of temporaries) backend.disposeData(t.dataId);
      }
    },
  });
}

/** BatchMatMul and _FusedMatMul share the slow transposed path; both get the override. */
export function wasmTransposedMatMulConfigs(): SteerableKernelConfig[] {
  return [tf.BatchMatMul, tf._FusedMatMul].map(transposedOperandsFirst).filter((c): c is SteerableKernelConfig => c !== null);
}
