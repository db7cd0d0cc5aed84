import { cpuKernel } from '../shared/js-kernel.js';
import { JS_KERNELS } from '../shared/js-kernels.js';

/** The fused kernels on tfjs-backend-cpu: the shared JS implementations over backend arrays. */
export const cpuFusedConfigs = JS_KERNELS.map(cpuKernel);
