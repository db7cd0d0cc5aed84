import { type RewardModelConfig, resolveRewardModelConfig } from './config/reward-model-config.js';
import { BtlRewardModel } from './models/btl.js';
import { DplRewardModel } from './models/dpl.js';
import { NpBtlRewardModel } from './models/np-btl.js';
import type { RewardModel } from './models/reward-model.js';
import { VplRewardModel } from './models/vpl.js';
import { FrozenUserRewardModel } from './models/frozen-user.js';

/**
 * Builds a reward model from a plain JSON config (the same object a checkpoint manifest stores).
 * `model.config` is the fully resolved config, every default explicit, for config.json.
 */
export function createRewardModel(config: RewardModelConfig, source?: string): RewardModel {
  const resolved = resolveRewardModelConfig(config, source);
  if (resolved.frozenUser) return new FrozenUserRewardModel(resolved, createRewardModel({ ...resolved, frozenUser: false }, source));
  switch (resolved.kind) {
    case 'btl':
      return new BtlRewardModel(resolved);
    case 'dpl':
      return new DplRewardModel(resolved);
    case 'np-btl':
      return new NpBtlRewardModel(resolved);
    case 'vpl':
      return new VplRewardModel(resolved);
  }
}
