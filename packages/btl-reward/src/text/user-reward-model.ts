import * as tf from '@tensorflow/tfjs';
import type { FeaturizerInput } from '@steerable/preference-data';
import { REWARD_MODEL_CHECKPOINT_KIND } from '../reward-checkpoint.js';
import { createRewardModel } from '../factory.js';
import { DplRewardModel } from '../models/dpl.js';
import { FrozenUserRewardModel } from '../models/frozen-user.js';
import type { RewardModel } from '../models/reward-model.js';
import { featurizerCheckpointExtra } from './featurizer-record.js';
import type { TextRewardModel } from './text-reward-model.js';
import { writeFrozenCheckpoint } from './write-frozen-checkpoint.js';

/**
 * A reward model for one user: the run's model conditioned once on that user's choices (or on
 * none: the prior). Scores text without another gradient step or another pass over the context.
 */
export class UserRewardModel {
  constructor(
    readonly run: TextRewardModel,
    /** The inferred user [1, userDim], or null for models that ignore the context. */
    private readonly user: tf.Tensor | null,
  ) {}

  /** r(prompt, response) for this user, for several responses. */
  async scores(items: readonly FeaturizerInput[]): Promise<number[]> {
    if (items.length === 0) return [];
    const embeddings = await this.run.embed(items);
    const { model } = this.run;
    const rewards = model.inEvalMode(() => tf.tidy(() => model.rewardsForUser(tf.tensor3d(embeddings, [1, items.length, model.config.inputDim]), this.user)));
    const values = Array.from(await rewards.data());
    rewards.dispose();
    return values;
  }

  async score(prompt: string, response: string): Promise<number> {
    return (await this.scores([{ prompt, response }]))[0]!;
  }

  /** The probability that this user prefers `a` to `b` as answers to `prompt`. */
  async compare(prompt: string, a: string, b: string): Promise<number> {
    const { model } = this.run;
    if (model instanceof DplRewardModel) {
      const [ea, eb] = await Promise.all([this.run.embed([{ prompt, response: a }]), this.run.embed([{ prompt, response: b }])]);
      return (await model.score({ chosen: ea, rejected: eb }))[0]!;
    }
    const [ra, rb] = await this.scores([
      { prompt, response: a },
      { prompt, response: b },
    ]);
    return 1 / (1 + Math.exp(-(ra! - rb!)));
  }

  /**
   * A context-free reward model of this user: the run's weights plus the inferred user stored as a
   * buffer. A model that ignores the context comes back as an independent copy of itself.
   */
  freeze(): RewardModel {
    const { model } = this.run;
    if (!this.user) {
      const copy = createRewardModel(model.config);
      copy.loadStateDict(model.stateDict());
      copy.eval();
      return copy;
    }
    const base = createRewardModel({ ...model.config, frozenUser: false });
    base.loadStateDict(model.stateDict());
    const frozen = new FrozenUserRewardModel({ ...model.config, frozenUser: true }, base, this.user);
    frozen.eval();
    return frozen;
  }

  /** freeze() written as an ordinary reward checkpoint (loadRewardModel / loadRewardRun read it), with the run's featurizer. */
  async saveFrozen(dir: string): Promise<string> {
    const frozen = this.freeze();
    try {
      await writeFrozenCheckpoint(dir, {
        step: 0,
        model: { kind: REWARD_MODEL_CHECKPOINT_KIND, config: frozen.config, state: frozen.stateDict() },
        extra: featurizerCheckpointExtra(this.run.featurizerRecord),
      });
    } finally {
      frozen.dispose();
    }
    return dir;
  }

  dispose(): void {
    this.user?.dispose();
  }
}
