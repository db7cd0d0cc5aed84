export * from './runtime/backend-names.js';
export { initBackend, availableBackends, activeBackend, type InitBackendOptions, type BackendInfo, type BackendAttempt } from './runtime/init-backend.js';
export { installedVersion } from './runtime/package-probe.js';
