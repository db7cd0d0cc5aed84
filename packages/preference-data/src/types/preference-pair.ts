/** A split name. Readers map the usual spellings (valid, val, dev, eval) onto these. */
export type SplitName = 'train' | 'validation' | 'test';

export interface ChatMessage {
  role: string;
  content: string;
}

/**
 * One preference judgement in text: for `prompt`, `chosen` was preferred to `rejected`.
 * `user` is who judged it (a user id, or a user type such as an annotator objective).
 */
export interface PreferencePair {
  /** Stable identifier of the pair within its source (row id or `file:line`). */
  id: string;
  prompt: string;
  chosen: string;
  rejected: string;
  /** The user or user type whose preference this is; undefined when the source has none. */
  user?: string;
  split?: SplitName;
  /** Per-criterion scores of chosen and rejected, when the source has them (UltraFeedback). */
  scores?: Record<string, { chosen: number; rejected: number }>;
  /** Columns the reader did not interpret, kept verbatim (for example `user_id`, `margin`). */
  extra?: Record<string, unknown>;
}
