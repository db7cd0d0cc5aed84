import * as tf from '@tensorflow/tfjs';
import { SteerableError } from '@steerable/core';
import type { Featurizer, FeaturizerInput } from '@steerable/preference-data';
import type { RewardModel } from '../models/reward-model.js';
import { type FeaturizerRecord, assertSameFeaturizer } from './featurizer-record.js';
import { UserRewardModel } from './user-reward-model.js';

/** One choice a user made: `chosen` was preferred to `rejected` as an answer to `prompt`. */
export interface TextChoice {
  prompt: string;
  chosen: string;
  rejected: string;
}

/**
 * A trained reward model with the featurizer it was trained on: the text-level entry point.
 * `condition(choices)` infers a user from a few of their choices; `prior()` is the user nothing is
 * known about (k = 0).
 */
export class TextRewardModel {
  constructor(
    readonly model: RewardModel,
    readonly featurizer: Featurizer | null,
    readonly featurizerRecord: FeaturizerRecord,
    /** Where the weights came from (named in errors). */
    readonly source: string,
  ) {
    if (featurizer) assertSameFeaturizer(featurizer, featurizerRecord.description, source);
  }

  /** Embeddings [items.length, D] of (prompt, response) inputs, with the run's featurizer. */
  async embed(items: readonly FeaturizerInput[]): Promise<Float32Array> {
    if (!this.featurizer) {
      throw new SteerableError(
        'no-featurizer',
        `this run was trained on embeddings without a text featurizer (${this.featurizerRecord.description?.kind ?? 'unknown'})`,
        {
          file: this.source,
          field: 'featurizer',
          hint: "score embeddings with the model's score()/rewards(), or train on text (a preference file) to score text",
        },
      );
    }
    const embeddings = await this.featurizer.featurizeBatch(items);
    if (embeddings.length !== items.length * this.model.config.inputDim) {
      throw new SteerableError(
        'featurizer-mismatch',
        `the featurizer gives ${embeddings.length / Math.max(1, items.length)} numbers per text, the model takes ${this.model.config.inputDim}`,
        { file: this.source, field: 'featurizer' },
      );
    }
    return embeddings;
  }

  /** The model conditioned on one user's choices (inferred once; no gradient step). */
  async condition(choices: readonly TextChoice[]): Promise<UserRewardModel> {
    const d = this.model.config.inputDim;
    const k = choices.length;
    // One featurizer call for both sides: a sentence encoder then embeds each prompt once and runs
    // one batch instead of two (USE-lite on wasm in Node, 5 choices: 122 ms against 210 ms).
    const items = [...choices.map((c) => ({ prompt: c.prompt, response: c.chosen })), ...choices.map((c) => ({ prompt: c.prompt, response: c.rejected }))];
    const embedded = k ? await this.embed(items) : new Float32Array(0);
    const chosen = embedded.slice(0, k * d);
    const rejected = embedded.slice(k * d);
    const context = { chosen: tf.tensor3d(chosen, [1, k, d]), rejected: tf.tensor3d(rejected, [1, k, d]) };
    try {
      const user = this.model.inEvalMode(() => this.model.inferUser(context));
      return new UserRewardModel(this, user);
    } finally {
      tf.dispose([context.chosen, context.rejected]);
    }
  }

  /** The user nothing is known about: the learned prior of conditional models (k = 0). */
  prior(): Promise<UserRewardModel> {
    return this.condition([]);
  }

  dispose(): void {
    this.model.dispose();
  }
}
