import { SteerableError } from '@steerable/core';
import { isSteerableTextUserType, steerableTextReward } from '../benchmark/steerable-text/steerable-text-language.js';

/**
 * Scores a response for a user type from its text: the truth of held-out pairs (instead of their
 * possibly noisy labels) and the reward of generations. null: the judge has no opinion for this user.
 */
export interface PreferenceJudge {
  readonly name: string;
  reward(user: string, prompt: string, response: string, ended: boolean): number | null;
}

/** The steerable-text benchmark's exact rewards (formal and casual users). */
export const steerableTextJudge: PreferenceJudge = {
  name: 'steerable-text',
  reward: (user, _prompt, response, ended) => (isSteerableTextUserType(user) ? steerableTextReward(user, response, ended) : null),
};

export const PREFERENCE_JUDGES = { 'steerable-text': steerableTextJudge } as const;
export type PreferenceJudgeName = keyof typeof PREFERENCE_JUDGES;

export function preferenceJudge(name: string): PreferenceJudge {
  const judge = PREFERENCE_JUDGES[name as PreferenceJudgeName];
  if (!judge)
    throw new SteerableError('invalid-config', `no judge named '${name}'`, {
      field: 'eval.judge',
      hint: `use one of: ${Object.keys(PREFERENCE_JUDGES).join(', ')}, or null`,
    });
  return judge;
}
