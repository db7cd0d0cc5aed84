import { wasmKernel } from '../shared/js-kernel.js';
import { JS_KERNELS } from '../shared/js-kernels.js';

/**
 * The fused kernels on wasm: the shared JS implementations over zero-copy heap views (no C++
 * build; V8 compiles these loops well, and the data never leaves the heap).
 */
export const wasmFusedConfigs = JS_KERNELS.map(wasmKernel);
