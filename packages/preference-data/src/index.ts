export type { PreferencePair, ChatMessage, SplitName } from './types/preference-pair.js';
export type { EmbeddedPairSet, PreferenceLabel } from './types/embedded-pair-set.js';
export type { Task, TaskBatch } from './tasks/task.js';
export { buildTaskBatch } from './tasks/build-task-batch.js';
