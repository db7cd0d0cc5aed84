/**
 * A task is one user with T target labels and a disjoint context set of k labels, both indices
 * into EmbeddedPairSet.labels, all of the same user.
 */
export interface Task {
  user: string;
  context: number[];
  targets: number[];
}

/**
 * A batch of tasks with one context size k, gathered into dense arrays ready for tensors:
 * `*Chosen` / `*Rejected` are row-major [batch, k or T, dim]. Options are ordered chosen first,
 * rejected second, as the pair encoder expects.
 */
export interface TaskBatch {
  batchSize: number;
  contextSize: number;
  numTargets: number;
  dim: number;
  contextChosen: Float32Array;
  contextRejected: Float32Array;
  targetChosen: Float32Array;
  targetRejected: Float32Array;
  /** The user of each task, length batchSize. */
  users: string[];
  tasks: Task[];
}
