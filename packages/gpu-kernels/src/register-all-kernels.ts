import * as tf from '@tensorflow/tfjs';
import type { Logger } from '@steerable/core';
import type { BackendName } from './runtime/backend-names.js';
import type { SteerableKernelConfig } from './kernels/kernel-config.js';
import { unsortedSegmentSumCpuConfig } from './kernels/cpu/unsorted-segment-sum.js';
import { unsortedSegmentSumWasmConfig } from './kernels/wasm/unsorted-segment-sum.js';
import { wasmTransposedMatMulConfigs } from './kernels/wasm/batch-mat-mul-transposed.js';
import { wasmSharedIdentityConfig } from './kernels/wasm/identity-shared.js';
import { wasmOuterAxesReduceConfigs } from './kernels/wasm/outer-axes-reduce.js';
import { wasmTransposeConfig } from './kernels/wasm/transpose-last-two.js';
import { wasmSliceConfigs } from './kernels/wasm/slice-heap-view.js';
import { wasmPointwiseConv2dConfig } from './kernels/wasm/conv2d-pointwise.js';
import { wasmGatherConfig } from './kernels/wasm/gather-rows.js';
import { wasmSinCosConfigs } from './kernels/wasm/sin-cos.js';
import { cpuFusedConfigs } from './kernels/cpu/fused.js';
import { adamUpdateCpuConfig } from './kernels/cpu/adam-update.js';
import { adamUpdateWasmConfig } from './kernels/wasm/adam-update.js';
import { wasmFusedConfigs } from './kernels/wasm/fused.js';
import { sequenceLogProbsWebGpuConfigs } from './kernels/webgpu/sequence-log-probs.js';
import { setAttentionPoolWebGpuConfigs } from './kernels/webgpu/set-attention-pool.js';
import { sequenceLogProbsWebGlConfigs } from './kernels/webgl/sequence-log-probs.js';
import { setAttentionPoolWebGlConfigs } from './kernels/webgl/set-attention-pool.js';
import { registerSteerableGradients } from './gradients/register-all-gradients.js';
import { setKernelLogger } from './ops/fallback.js';

/**
 * Every kernel this package registers, per backend: the one list to read to learn what a backend
 * gets. A function, because the wasm matmul override wraps the stock kernel, which exists only
 * once the wasm backend package is loaded.
 */
export function steerableKernelConfigs(backend: BackendName): SteerableKernelConfig[] {
  switch (backend) {
    case 'cpu':
      return [unsortedSegmentSumCpuConfig, ...cpuFusedConfigs, adamUpdateCpuConfig];
    case 'wasm':
      return [
        ...wasmTransposedMatMulConfigs(),
        ...present(wasmPointwiseConv2dConfig()),
        ...wasmOverheadConfigs(),
        ...wasmSinCosConfigs(),
        unsortedSegmentSumWasmConfig,
        ...wasmFusedConfigs,
        adamUpdateWasmConfig,
      ];
    case 'webgpu':
      return [...sequenceLogProbsWebGpuConfigs, ...setAttentionPoolWebGpuConfigs];
    case 'webgl':
      return [...sequenceLogProbsWebGlConfigs, ...setAttentionPoolWebGlConfigs];
    case 'tensorflow':
      return [];
  }
}

/**
 * Stock wasm kernels replaced to cut copies and transposes: Identity shares its buffer; Sum/Mean
 * over outer axes need no transpose; Transpose of the last two axes is a SIMD block transpose;
 * Slice and SplitV copy only what they select; GatherV2 copies whole slices.
 */
function wasmOverheadConfigs(): SteerableKernelConfig[] {
  return [
    ...present(wasmSharedIdentityConfig()),
    ...wasmOuterAxesReduceConfigs(),
    ...present(wasmTransposeConfig()),
    ...wasmSliceConfigs(),
    ...present(wasmGatherConfig()),
  ];
}

/** A config that exists only when its stock kernel does, as a list of zero or one. */
const present = (config: SteerableKernelConfig | null): SteerableKernelConfig[] => (config ? [config] : []);

/** Stock configs we replaced, by `${backend}_${kernel}`, so that they can be put back. */
const replacedStock = new Map<string, tf.KernelConfig>();
const registeredBackends = new Map<BackendName, SteerableKernelConfig[]>();

/**
 * Registers this package's kernels for `backend` (idempotent). Overrides of stock kernels keep the
 * stock config for `unregisterSteerableKernels`. A non-override kernel whose name tfjs already
 * registers for the backend is left to tfjs (a future tfjs may add one we lack today).
 */
export function registerSteerableKernels(backend: BackendName, logger: Logger): void {
  setKernelLogger(logger);
  registerSteerableGradients();
  if (registeredBackends.has(backend)) return;
  const done: SteerableKernelConfig[] = [];
  for (const config of steerableKernelConfigs(backend)) {
    const key = `${backend}_${config.kernelName}`;
    const existing = tf.getKernel(config.kernelName, backend);
    if (existing && !config.overrides) {
      logger.debug(`kernel ${config.kernelName} already registered for ${backend}; keeping it`);
      continue;
    }
    if (existing) {
      replacedStock.set(key, existing);
      tf.unregisterKernel(config.kernelName, backend);
    }
    tf.registerKernel(config);
    done.push(config);
  }
  registeredBackends.set(backend, done);
  logger.debug(`steerable kernels registered for ${backend}: ${done.map((c) => c.kernelName).join(', ') || 'none'}`);
}

/** Puts stock tfjs back for `backend`: removes our kernels and restores the ones we replaced. */
export function unregisterSteerableKernels(backend: BackendName): void {
  const done = registeredBackends.get(backend);
  if (!done) return;
  for (const config of done) {
    const key = `${backend}_${config.kernelName}`;
    tf.unregisterKernel(config.kernelName, backend);
    const stock = replacedStock.get(key);
    if (stock) {
      tf.registerKernel(stock);
      replacedStock.delete(key);
    }
  }
  registeredBackends.delete(backend);
}

/** Whether this package's kernels are currently registered for `backend`. */
export function steerableKernelsRegistered(backend: BackendName): boolean {
  return registeredBackends.has(backend);
}
