import { z } from 'zod';
import { Rng, SteerableError } from '@steerable/core';
import type { PreferencePair } from '@steerable/preference-data';
import {
  CASUAL_WORDS,
  FORMAL_WORDS,
  MAX_STYLE_WORDS,
  MIN_STYLE_WORDS,
  STEERABLE_TEXT_USER_TYPES,
  TOPICS,
  steerableTextReward,
} from './steerable-text-language.js';

/** The benchmark's generator settings (a policy run's `data` when its source is `steerable-text`). */
export const steerableTextOptionsSchema = z.strictObject({
  seed: z.number().int().default(0),
  /** Pairs per user type and split. */
  pairsPerType: z
    .strictObject({ train: z.number().int().min(0), validation: z.number().int().min(0), test: z.number().int().min(0) })
    .default({ train: 3000, validation: 200, test: 600 }),
  /** Probability that an annotator's choice is flipped (one context pair is weak evidence, so accuracy rises with k). */
  labelNoise: z.number().min(0).lt(0.5).default(0.2),
  /**
   * How strongly the two responses of a pair conflict in style, in [0, 1]. 0: both draw pFormal ~
   * U[0, 1] independently; s > 0: one draws pFormal ~ U[s, 1] and the other ~ U[0, 1 - s], so the
   * chosen response of a type is mostly in that type's style; 1: one purely formal, one purely casual.
   */
  styleConflict: z.number().min(0).max(1).default(0.7),
});
export type SteerableTextOptions = z.output<typeof steerableTextOptionsSchema>;

export const DEFAULT_STEERABLE_TEXT_OPTIONS: SteerableTextOptions = steerableTextOptionsSchema.parse({});

/** A response in a random style mix: each word formal with probability pFormal. */
function sampleResponse(topic: string, rng: Rng, pFormal: number): string {
  const length = rng.int(MIN_STYLE_WORDS, MAX_STYLE_WORDS);
  const words = Array.from({ length }, () =>
    rng.uniform() < pFormal ? FORMAL_WORDS[rng.int(0, FORMAL_WORDS.length - 1)]! : CASUAL_WORDS[rng.int(0, CASUAL_WORDS.length - 1)]!,
  );
  return [topic, ...words].join(' ');
}

/**
 * The benchmark's preference pairs as text, each labelled by one user type (`user`), with
 * `labelNoise` of the labels flipped, and a split. The same records a user would bring in a TRL
 * file with `user_id` and `split` columns (see `steerable-train data export-benchmark`).
 */
export function generateSteerableText(options: Partial<SteerableTextOptions> = {}): PreferencePair[] {
  const resolved = steerableTextOptionsSchema.safeParse(options);
  if (!resolved.success) {
    const issue = resolved.error.issues[0]!;
    throw new SteerableError('invalid-config', issue.message, { field: `data.${issue.path.join('.')}`, hint: 'see DEFAULT_STEERABLE_TEXT_OPTIONS' });
  }
  const { seed, pairsPerType, labelNoise, styleConflict } = resolved.data;
  const rng = new Rng(seed);
  const pairs: PreferencePair[] = [];
  for (const split of ['train', 'validation', 'test'] as const) {
    for (const type of STEERABLE_TEXT_USER_TYPES) {
      for (let i = 0; i < pairsPerType[split]; i++) {
        const topic = TOPICS[rng.int(0, TOPICS.length - 1)]!;
        let a: string;
        let b: string;
        do {
          if (styleConflict === 0) {
            a = sampleResponse(topic, rng, rng.uniform());
            b = sampleResponse(topic, rng, rng.uniform());
          } else {
            a = sampleResponse(topic, rng, styleConflict + (1 - styleConflict) * rng.uniform());
            b = sampleResponse(topic, rng, (1 - styleConflict) * rng.uniform());
          }
        } while (steerableTextReward(type, a) === steerableTextReward(type, b));
        const [better, worse] = steerableTextReward(type, a) > steerableTextReward(type, b) ? [a, b] : [b, a];
        const flipped = rng.uniform() < labelNoise;
        pairs.push({
          id: `steerable-text/${split}/${type}/${i}`,
          prompt: `tell me about ${topic}`,
          chosen: flipped ? worse : better,
          rejected: flipped ? better : worse,
          user: type,
          split,
        });
      }
    }
  }
  return pairs;
}
