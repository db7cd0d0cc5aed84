import { SteerableError } from '@steerable/core';
import type { EmbeddedPairSet } from '../types/embedded-pair-set.js';
import type { Task, TaskBatch } from './task.js';

/**
 * Gathers the embeddings of a list of tasks into a TaskBatch. Every task must have the same
 * number of context and target labels.
 */
export function buildTaskBatch(set: EmbeddedPairSet, tasks: Task[]): TaskBatch {
  if (tasks.length === 0) throw new SteerableError('invalid-argument', 'cannot build a batch of zero tasks');
  const k = tasks[0]!.context.length;
  const t = tasks[0]!.targets.length;
  const d = set.dim;
  const b = tasks.length;
  const batch: TaskBatch = {
    batchSize: b,
    contextSize: k,
    numTargets: t,
    dim: d,
    contextChosen: new Float32Array(b * k * d),
    contextRejected: new Float32Array(b * k * d),
    targetChosen: new Float32Array(b * t * d),
    targetRejected: new Float32Array(b * t * d),
    users: tasks.map((task) => task.user),
    tasks,
  };
  tasks.forEach((task, i) => {
    if (task.context.length !== k || task.targets.length !== t) {
      throw new SteerableError('invalid-argument', `task ${i} has k=${task.context.length}, T=${task.targets.length}; the batch has k=${k}, T=${t}`);
    }
    copyLabels(set, task.context, batch.contextChosen, batch.contextRejected, i * k * d);
    copyLabels(set, task.targets, batch.targetChosen, batch.targetRejected, i * t * d);
  });
  return batch;
}

function copyLabels(set: EmbeddedPairSet, labelIndices: number[], chosen: Float32Array, rejected: Float32Array, offset: number): void {
  const d = set.dim;
  labelIndices.forEach((labelIndex, j) => {
    const label = set.labels[labelIndex];
    if (!label) throw new SteerableError('invalid-argument', `label index ${labelIndex} is out of range (${set.labels.length} labels)`);
    const a = label.pair * 2 * d;
    const bOff = a + d;
    const winner = label.preferred === 0 ? a : bOff;
    const loser = label.preferred === 0 ? bOff : a;
    chosen.set(set.options.subarray(winner, winner + d), offset + j * d);
    rejected.set(set.options.subarray(loser, loser + d), offset + j * d);
  });
}
