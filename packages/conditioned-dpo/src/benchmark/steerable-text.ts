import { Rng, SteerableError } from '@steerable/core';
import { wordLevelTokenizerJson } from '../io/tokenizer.js';
import type { TokenizedExample } from '../logprobs/sequence-batch.js';

/**
 * The steerable-text language: a prompt `<bos> tell me about TOPIC <sep>` and a response
 * `TOPIC w_1 .. w_L <eos>` whose words are formal or casual. Two user types with exactly
 * conflicting oracle rewards, computable from the text:
 *   formal(y) = (#formal - #casual) / L,   casual(y) = -formal(y),
 * L = the number of words before <eos>, the topic word included (so a longer response in a
 * user's style scores a little higher: 7 formal words give 7/8, 3 give 3/4).
 * A policy that ignores the user cannot please both, so steering must move both ways.
 */
export const SPECIAL_TOKENS = ['<pad>', '<eos>', '<bos>', '<unk>', '<sep>'] as const;
export const PROMPT_WORDS = ['tell', 'me', 'about'] as const;
export const TOPICS = ['cats', 'dogs', 'rain', 'music', 'trains', 'coffee', 'books', 'stars'] as const;
export const FORMAL_WORDS = ['indeed', 'certainly', 'furthermore', 'therefore', 'moreover', 'regards', 'kindly', 'respectfully', 'notably', 'accordingly'] as const;
export const CASUAL_WORDS = ['yeah', 'lol', 'cool', 'totally', 'dude', 'gonna', 'awesome', 'kinda', 'hey', 'wow'] as const;
export const USER_TYPES = ['formal', 'casual'] as const;
export type SteerableTextUserType = (typeof USER_TYPES)[number];

export const STEERABLE_TEXT_TOKENIZER_JSON = wordLevelTokenizerJson(SPECIAL_TOKENS, [...PROMPT_WORDS, ...TOPICS, ...FORMAL_WORDS, ...CASUAL_WORDS], '<unk>');
const vocab = (STEERABLE_TEXT_TOKENIZER_JSON.model as { vocab: Record<string, number> }).vocab;
export const STEERABLE_TEXT_VOCAB_SIZE = Object.keys(vocab).length;
export const TOKEN = { pad: vocab['<pad>']!, eos: vocab['<eos>']!, bos: vocab['<bos>']!, sep: vocab['<sep>']! };
const FORMAL_IDS = new Set(FORMAL_WORDS.map((w) => vocab[w]!));
const CASUAL_IDS = new Set(CASUAL_WORDS.map((w) => vocab[w]!));
export const MIN_STYLE_WORDS = 3;
export const MAX_STYLE_WORDS = 7;
/** Prompt (6) + topic + style words + eos. */
export const STEERABLE_TEXT_MAX_LENGTH = 6 + 1 + MAX_STYLE_WORDS + 1;

/** Exact oracle reward of a response (token ids, eos optional) for a user type; in [-1, 1]. */
export function oracleReward(type: SteerableTextUserType, response: readonly number[]): number {
  let formal = 0;
  let casual = 0;
  let words = 0;
  for (const id of response) {
    if (id === TOKEN.eos) break;
    if (FORMAL_IDS.has(id)) formal++;
    else if (CASUAL_IDS.has(id)) casual++;
    words++;
  }
  const style = words === 0 ? 0 : (formal - casual) / words;
  // A response without eos or any style word scores the minimum for both types.
  const wellFormed = response.includes(TOKEN.eos) && formal + casual > 0;
  if (!wellFormed) return -1;
  return type === 'formal' ? style : -style;
}

export function promptIds(topic: number): number[] {
  return [TOKEN.bos, vocab.tell!, vocab.me!, vocab.about!, vocab[TOPICS[topic]!]!, TOKEN.sep];
}

/** A response in a random style mix: each word formal with probability pFormal (default ~ U[0, 1]). */
export function sampleResponse(topic: number, rng: Rng, pFormal = rng.uniform()): number[] {
  const length = rng.int(MIN_STYLE_WORDS, MAX_STYLE_WORDS);
  const words = Array.from({ length }, () => (rng.uniform() < pFormal ? vocab[FORMAL_WORDS[rng.int(0, FORMAL_WORDS.length - 1)]!]! : vocab[CASUAL_WORDS[rng.int(0, CASUAL_WORDS.length - 1)]!]!));
  return [vocab[TOPICS[topic]!]!, ...words, TOKEN.eos];
}

/** One preference pair of one user type. `oracleAgrees` is false where annotator noise flipped the label. */
export interface PolicyPair {
  type: SteerableTextUserType;
  prompt: number[];
  chosen: number[];
  rejected: number[];
  oracleAgrees: boolean;
  split: 'train' | 'validation' | 'test';
}

export interface SteerableTextOptions {
  seed: number;
  sftExamples: number;
  /** Pairs per user type and split. */
  pairsPerType: { train: number; validation: number; test: number };
  /** Probability that an annotator's choice is flipped (makes one context pair weak evidence, so accuracy rises with k). */
  labelNoise: number;
  /**
   * How strongly the two responses of a preference pair conflict in style, in [0, 1]. 0: both
   * draw pFormal ~ U[0, 1] independently (often two similar mixes). s > 0: one draws pFormal ~
   * U[s, 1] and the other ~ U[0, 1 - s], so the chosen response of a type is mostly in that
   * type's style; 1: one purely formal, one purely casual. Absent: 0.
   */
  styleConflict?: number;
}

export const DEFAULT_STEERABLE_TEXT_OPTIONS: SteerableTextOptions = {
  seed: 0,
  sftExamples: 4000,
  pairsPerType: { train: 3000, validation: 200, test: 600 },
  labelNoise: 0.2,
  styleConflict: 0.7,
};

export interface SteerableTextData {
  options: SteerableTextOptions;
  sft: TokenizedExample[];
  pairs: PolicyPair[];
}

export function generateSteerableText(options: SteerableTextOptions = DEFAULT_STEERABLE_TEXT_OPTIONS): SteerableTextData {
  if (!(options.labelNoise >= 0 && options.labelNoise < 0.5)) {
    throw new SteerableError('invalid-config', `labelNoise must be in [0, 0.5), got ${options.labelNoise}`, { field: 'data.labelNoise' });
  }
  const conflict = options.styleConflict ?? 0;
  if (!(conflict >= 0 && conflict <= 1)) {
    throw new SteerableError('invalid-config', `styleConflict must be in [0, 1], got ${conflict}`, { field: 'data.styleConflict', hint: 'use 0 (independent styles) up to 1 (one purely formal, one purely casual response)' });
  }
  const rng = new Rng(options.seed);
  const sft: TokenizedExample[] = [];
  for (let i = 0; i < options.sftExamples; i++) {
    const topic = rng.int(0, TOPICS.length - 1);
    sft.push({ prompt: promptIds(topic), response: sampleResponse(topic, rng) });
  }
  const pairs: PolicyPair[] = [];
  for (const split of ['train', 'validation', 'test'] as const) {
    for (const type of USER_TYPES) {
      for (let i = 0; i < options.pairsPerType[split]; i++) {
        const topic = rng.int(0, TOPICS.length - 1);
        let a: number[];
        let b: number[];
        do {
          if (conflict === 0) {
            a = sampleResponse(topic, rng);
            b = sampleResponse(topic, rng);
          } else {
            a = sampleResponse(topic, rng, conflict + (1 - conflict) * rng.uniform());
            b = sampleResponse(topic, rng, (1 - conflict) * rng.uniform());
          }
        } while (oracleReward(type, a) === oracleReward(type, b));
        const [better, worse] = oracleReward(type, a) > oracleReward(type, b) ? [a, b] : [b, a];
        const flipped = rng.uniform() < options.labelNoise;
        pairs.push({ type, prompt: promptIds(topic), chosen: flipped ? worse : better, rejected: flipped ? better : worse, oracleAgrees: !flipped, split });
      }
    }
  }
  return { options, sft, pairs };
}
