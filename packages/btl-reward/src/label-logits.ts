import { SteerableError } from '@steerable/core';
import { type EmbeddedPairSet, buildTaskBatch } from '@steerable/preference-data';
import { evalModeLogits } from './eval-logits.js';
import type { RewardModel } from './models/reward-model.js';

/** Labels per pseudo-task when scoring labels one by one: rows of a forward pass, not tasks of a user. */
const LABELS_PER_ROW = 64;

/**
 * The logit that each label's chosen option beats its rejected one, for a model that ignores the
 * context (eval mode, so BatchNorm uses its running statistics and every pair is scored on its
 * own). The labels are packed `LABELS_PER_ROW` to a pseudo-task and `batchSize` pseudo-tasks to a
 * forward pass, whatever users and tasks they came from.
 */
export async function scoreLabels(model: RewardModel, set: EmbeddedPairSet, labels: readonly number[], batchSize: number): Promise<Float32Array> {
  if (model.usesContext) {
    throw new SteerableError('invalid-argument', `scoreLabels needs a model that ignores the context; ${model.config.kind} uses it`, {
      hint: 'score tasks (targets with their context) instead',
    });
  }
  const out = new Float32Array(labels.length);
  const perPass = LABELS_PER_ROW * batchSize;
  for (let start = 0; start < labels.length; start += perPass) {
    const chunk = labels.slice(start, start + perPass);
    const rows: number[][] = [];
    for (let i = 0; i < chunk.length; i += LABELS_PER_ROW) rows.push(chunk.slice(i, i + LABELS_PER_ROW));
    // Every pseudo-task needs the same width: the last one repeats its final label.
    const last = rows.at(-1)!;
    while (last.length < LABELS_PER_ROW) last.push(last.at(-1)!);
    const batch = buildTaskBatch(
      set,
      rows.map((targets) => ({ user: '', context: [], targets })),
    );
    const values = await evalModeLogits(model, batch);
    out.set(values.subarray(0, chunk.length), start);
  }
  return out;
}
