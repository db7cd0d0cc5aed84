export type { PreferencePair, ChatMessage, SplitName } from './types/preference-pair.js';
export type { EmbeddedPairSet, PreferenceLabel } from './types/embedded-pair-set.js';
export type { Task, TaskBatch } from './tasks/task.js';
export { buildTaskBatch } from './tasks/build-task-batch.js';
export { TaskSampler, type TaskSamplerOptions, type TaskSamplerState } from './tasks/task-sampler.js';
export { evaluationTasks, evaluationTaskSet, type EvaluationTaskOptions, type EvaluationTaskSet } from './tasks/evaluation-tasks.js';
export { indexLabelsByUser, type UserLabelIndex } from './tasks/user-label-index.js';
export { SPLIT_NAMES, assignSplits, validateSplitFractions, type SplitFractions } from './splits/split-fractions.js';
export { splitByPair } from './splits/split-by-pair.js';
export { splitUsers } from './splits/split-users.js';
export {
  generatePaperSynthetic,
  moreIsBetterReward,
  moderationReward,
  PAPER_SYNTHETIC_USERS,
  PAPER_SYNTHETIC_REWARDS,
  type PaperSyntheticOptions,
  type PaperSyntheticUser,
} from './synthetic/paper-synthetic.js';
