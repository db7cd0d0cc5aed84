/**
 * The steerable-text language: a prompt `tell me about TOPIC` and a response `TOPIC w_1 .. w_L`
 * whose words are formal or casual. Two user types with exactly conflicting rewards, computable
 * from the text (see steerableTextReward), so steering can be judged without a learned judge.
 */
export const PROMPT_WORDS = ['tell', 'me', 'about'] as const;
export const TOPICS = ['cats', 'dogs', 'rain', 'music', 'trains', 'coffee', 'books', 'stars'] as const;
export const FORMAL_WORDS = [
  'indeed',
  'certainly',
  'furthermore',
  'therefore',
  'moreover',
  'regards',
  'kindly',
  'respectfully',
  'notably',
  'accordingly',
] as const;
export const CASUAL_WORDS = ['yeah', 'lol', 'cool', 'totally', 'dude', 'gonna', 'awesome', 'kinda', 'hey', 'wow'] as const;
export const STEERABLE_TEXT_USER_TYPES = ['formal', 'casual'] as const;
export type SteerableTextUserType = (typeof STEERABLE_TEXT_USER_TYPES)[number];
export const MIN_STYLE_WORDS = 3;
export const MAX_STYLE_WORDS = 7;

const FORMAL = new Set<string>(FORMAL_WORDS);
const CASUAL = new Set<string>(CASUAL_WORDS);

/**
 * The exact reward of a response for a user type, in [-1, 1]: (#own-style - #other-style) / L,
 * L = the number of words, the topic word included (so a longer response in a user's style scores
 * a little higher: 7 formal words give 7/8, 3 give 3/4). A response that did not end (no end token
 * within the length limit) or has no style word scores the minimum for both types.
 */
export function steerableTextReward(type: SteerableTextUserType, response: string, ended = true): number {
  const words = response.trim().toLowerCase().split(/\s+/).filter(Boolean);
  let formal = 0;
  let casual = 0;
  for (const word of words) {
    if (FORMAL.has(word)) formal++;
    else if (CASUAL.has(word)) casual++;
  }
  if (!ended || formal + casual === 0) return -1;
  const style = (formal - casual) / words.length;
  return type === 'formal' ? style : -style;
}

export function isSteerableTextUserType(user: string): user is SteerableTextUserType {
  return (STEERABLE_TEXT_USER_TYPES as readonly string[]).includes(user);
}
