import * as tf from '@tensorflow/tfjs';
import type { TaskBatch } from '@steerable/preference-data';
import { disposePairTensors, taskBatchTensors } from './batch-tensors.js';
import type { RewardModel } from './models/reward-model.js';

/**
 * The chosen-minus-rejected logits [B * T] of one task batch in eval mode (BatchNorm on its
 * running statistics, no dropout, the latent mean), read back to the host; no tensor outlives it.
 */
export async function evalModeLogits(model: RewardModel, batch: TaskBatch): Promise<Float32Array> {
  const tensors = taskBatchTensors(batch);
  const logits = model.inEvalMode(() =>
    tf.tidy(() => {
      const output = model.forward(tensors);
      output.regularizer?.dispose();
      return output.logits;
    }),
  );
  disposePairTensors(tensors);
  const values = (await logits.data()) as Float32Array;
  logits.dispose();
  return values;
}
