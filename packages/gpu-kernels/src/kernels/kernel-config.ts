import type * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../runtime/backend-names.js';

/** The arguments tfjs passes a kernel, with the backend typed as the kernel needs it. */
export interface KernelArgs<B> {
  inputs: tf.NamedTensorInfoMap;
  backend: B;
  attrs?: tf.NamedAttrMap;
}

/**
 * A kernel this package registers. `overrides` marks a replacement for a stock tfjs kernel of the
 * same name: registration keeps the stock config so that `steerableKernels: false` can restore it.
 */
export interface SteerableKernelConfig extends tf.KernelConfig {
  backendName: BackendName;
  overrides: boolean;
}

/**
 * tfjs types a kernel's backend as `{}`, so every kernel in tfjs casts; this is the one place
 * steerable does.
 */
export function defineKernel<B>(config: {
  kernelName: string;
  backendName: BackendName;
  overrides?: boolean;
  kernelFunc: (args: KernelArgs<B>) => tf.TensorInfo | tf.TensorInfo[];
  setupFunc?: tf.KernelSetupFunc;
}): SteerableKernelConfig {
  return {
    kernelName: config.kernelName,
    backendName: config.backendName,
    overrides: config.overrides ?? false,
    kernelFunc: config.kernelFunc as unknown as tf.KernelFunc,
    ...(config.setupFunc ? { setupFunc: config.setupFunc } : {}),
  };
}

/** Reads one attribute, failing loudly if the caller left it out (a programming error). */
export function attr<T>(attrs: tf.NamedAttrMap | undefined, name: string): T {
  const value = attrs?.[name];
  if (value === undefined) throw new Error(`kernel attribute '${name}' is missing`);
  return value as unknown as T;
}

/** Reads one input, failing loudly if the caller left it out. */
export function input(inputs: tf.NamedTensorInfoMap, name: string): tf.TensorInfo {
  const value = inputs[name];
  if (value === undefined) throw new Error(`kernel input '${name}' is missing`);
  return value;
}
