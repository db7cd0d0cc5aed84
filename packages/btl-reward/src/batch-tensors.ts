import * as tf from '@tensorflow/tfjs';
import type { TaskBatch } from '@steerable/preference-data';
import type { PairTensors } from './models/reward-model.js';

/** Uploads a TaskBatch's dense arrays as [B, k, D] / [B, T, D] tensors (dispose with disposePairTensors). */
export function taskBatchTensors(batch: TaskBatch): PairTensors {
  const { batchSize: b, contextSize: k, numTargets: t, dim: d } = batch;
  return {
    contextChosen: tf.tensor(batch.contextChosen, [b, k, d], 'float32'),
    contextRejected: tf.tensor(batch.contextRejected, [b, k, d], 'float32'),
    targetChosen: tf.tensor(batch.targetChosen, [b, t, d], 'float32'),
    targetRejected: tf.tensor(batch.targetRejected, [b, t, d], 'float32'),
  };
}

export function disposePairTensors(tensors: PairTensors): void {
  tensors.contextChosen.dispose();
  tensors.contextRejected.dispose();
  tensors.targetChosen.dispose();
  tensors.targetRejected.dispose();
}
