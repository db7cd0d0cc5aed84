export { runTrainer, TRAINER_COMMANDS } from './program.js';
export { runCli, type CommandRegistrar } from './run-cli.js';
export type { CliContext } from './context.js';
export { type CliIo, processIo, bufferIo } from './terminal/io.js';
export { terminalLogger, type LogLevel } from './terminal/terminal-logger.js';
export { addBackendOptions, setupBackend, parsePositiveInt, type BackendFlags } from './terminal/backend-option.js';
export { registerInfoCommand } from './commands/info.js';
